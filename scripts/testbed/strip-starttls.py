#!/usr/bin/env python3
"""A man in the middle for SMTP on loopback: accepts connections on LISTEN:25, forwards each
to BACKEND:25 and removes STARTTLS (and CHUNKING) from the server's EHLO reply, as a
downgrade attacker would (RFC 7672 §1.3, RFC 3207 §6). A STARTTLS command the client sends
anyway is answered 502 by the proxy and never reaches the server. CHUNKING goes too, so that
every message body is DATA's, and the proxy can tell body lines from commands: from the
server's 354 to the client's lone "." line it passes the client's lines unread.

  strip-starttls.py LISTEN BACKEND PIDFILE

Writes its PID to PIDFILE once it listens; logs one line per event to stderr. Stops on
SIGTERM (scripts/testbed/mta.sh down)."""
import os
import signal
import socket
import sys
import threading

REMOVED = {b"STARTTLS", b"CHUNKING"}
REFUSAL = b"502 5.5.1 Error: command not recognized\r\n"


def log(*words):
    print("strip-starttls:", *words, file=sys.stderr, flush=True)


class Session:
    def __init__(self, client, peer, backend):
        self.client = client
        self.peer = peer
        self.server = socket.create_connection((backend, 25), timeout=60)
        self.in_data = False
        self.lock = threading.Lock()

    def send_client(self, data):
        with self.lock:
            self.client.sendall(data)

    def server_to_client(self):
        """Reads whole replies (RFC 5321 §4.2.1: "250-" lines up to the "250 " one) and
        forwards them with the removed capabilities left out."""
        pending = b""
        reply = []
        try:
            while True:
                data = self.server.recv(65536)
                if not data:
                    break
                pending += data
                while b"\n" in pending:
                    line, pending = pending.split(b"\n", 1)
                    line += b"\n"
                    reply.append(line)
                    if len(line) >= 4 and line[3:4] == b"-":
                        continue
                    self.forward_reply(reply)
                    reply = []
        except OSError:
            pass
        if reply or pending:
            self.send_client(b"".join(reply) + pending)
        try:
            self.client.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def forward_reply(self, reply):
        code = reply[0][:3]
        if code == b"250" and len(reply) > 1:
            kept = [reply[0]]
            for line in reply[1:]:
                keyword = line[4:].strip().upper()
                if keyword in REMOVED:
                    log(self.peer, "removed", keyword.decode(), "from the EHLO reply")
                else:
                    kept.append(line)
            # The last line keeps the space after its code, the others the hyphen.
            kept = [l[:3] + b"-" + l[4:] for l in kept[:-1]] + [kept[-1][:3] + b" " + kept[-1][4:]]
            reply = kept
        if code == b"354":
            self.in_data = True
        self.send_client(b"".join(reply))

    def client_to_server(self):
        pending = b""
        try:
            while True:
                data = self.client.recv(65536)
                if not data:
                    break
                pending += data
                out = b""
                while b"\n" in pending:
                    line, pending = pending.split(b"\n", 1)
                    line += b"\n"
                    if self.in_data:
                        if line.rstrip(b"\r\n") == b".":
                            self.in_data = False
                        out += line
                    elif line.strip().upper() == b"STARTTLS":
                        log(self.peer, "answered STARTTLS with 502")
                        self.server.sendall(out)
                        out = b""
                        self.send_client(REFUSAL)
                    else:
                        out += line
                self.server.sendall(out)
            self.server.sendall(pending)
        except OSError:
            pass
        try:
            self.server.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def run(self):
        upstream = threading.Thread(target=self.client_to_server, daemon=True)
        upstream.start()
        self.server_to_client()
        upstream.join()
        self.client.close()
        self.server.close()
        log(self.peer, "closed")


def serve(client, peer, backend):
    try:
        Session(client, peer, backend).run()
    except OSError as e:
        log(peer, "failed:", e)
        client.close()


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: strip-starttls.py LISTEN BACKEND PIDFILE")
    listen, backend, pidfile = sys.argv[1:]
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((listen, 25))
    listener.listen(16)
    with open(pidfile + ".tmp", "w") as f:
        f.write(f"{os.getpid()}\n")
    os.rename(pidfile + ".tmp", pidfile)
    log(f"listening on {listen}:25, forwarding to {backend}:25")
    while True:
        client, (host, port) = listener.accept()
        peer = f"{host}:{port}"
        log(peer, "connected")
        threading.Thread(target=serve, args=(client, peer, backend), daemon=True).start()


if __name__ == "__main__":
    main()
