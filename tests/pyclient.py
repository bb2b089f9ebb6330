"""pyclient.py PORT HOST [HOST...]: a Python socket client for sockstep's
tests: to each host in turn, connect, print what the server says (recv),
answer (send), close."""
import socket
import sys

port = int(sys.argv[1])
for host in sys.argv[2:]:
    s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET,
                      socket.SOCK_STREAM)
    s.connect((host, port))
    print("got", s.recv(64).decode().strip(), flush=True)
    s.send(b"bye\n")
    s.close()
