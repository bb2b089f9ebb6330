"""pyserver.py MODE PORT: a Python socket server for sockstep's tests.
MODE v4 listens on 127.0.0.1, v6 on ::1, dual on an AF_INET6 socket
with IPV6_V6ONLY off bound to ::ffff:127.0.0.1 (IPv4 clients arrive as
v4-mapped addresses), two on both 127.0.0.1 and ::1 (two listeners,
select) and serves one client on each.  Each client gets a greeting by
sendmsg (two buffers) and is read once by recvmsg."""
import select
import socket
import sys

mode, port = sys.argv[1], int(sys.argv[2])


def listener(family, addr, v6only=None):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if v6only is not None:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, v6only)
    s.bind((addr, port))
    s.listen(5)
    return s


if mode == "v4":
    ls = [listener(socket.AF_INET, "127.0.0.1")]
elif mode == "v6":
    ls = [listener(socket.AF_INET6, "::1", 1)]
elif mode == "dual":
    ls = [listener(socket.AF_INET6, "::ffff:127.0.0.1", 0)]
else:
    ls = [listener(socket.AF_INET, "127.0.0.1"),
          listener(socket.AF_INET6, "::1", 1)]
todo = len(ls)
while todo:
    ready, _, _ = select.select(ls, [], []) if len(ls) > 1 else (ls, [], [])
    for l in ready:
        c, peer = l.accept()
        print("peer", peer[0], flush=True)
        c.sendmsg([b"hello ", b"from python\n"])
        data, _, _, _ = c.recvmsg(64)
        print("got", data.decode().strip(), flush=True)
        c.close()
        if len(ls) > 1:
            ls.remove(l)
            l.close()
        todo -= 1
for l in ls:
    l.close()
