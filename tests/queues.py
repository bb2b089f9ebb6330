"""queues.py server PORT | client IP PORT: the queues behind read() for
test_queues.py (issue 16 §3).  The server's listener has TCP_DEFER_ACCEPT,
so the kernel holds a completed handshake in the SYN queue (SYN-RECV)
until data comes; once accepted, the server reads one line and then
waits in accept() again, never reading more, so what the client writes next fills the server's receive
buffer and stays in the client's send queue, not acknowledged.  The
client connects, writes one line, then more than the buffers hold."""
import socket
import sys

if sys.argv[1] == "server":
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.setsockopt(socket.IPPROTO_TCP, socket.TCP_DEFER_ACCEPT, 60)
    ls.bind(("", int(sys.argv[2])))
    ls.listen(4)
    c, peer = ls.accept()
    print("got", c.recv(64).decode().strip(), flush=True)
    ls.accept()  # c is never read again: the client's bytes pile up
else:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.connect((sys.argv[2], int(sys.argv[3])))
    s.send(b"hello\n")
    s.sendall(b"x" * (64 << 20))
