#!/usr/bin/env python3
# The bench's network latency: reads the NFQUEUE queues that iptables sends each emulated host's packets to, and
# accepts each packet after that queue's delay (half the host's round-trip time), in order. Raw nfnetlink, the
# standard library alone. Not shipped.
#
#   delay-queue.py QUEUE:DELAY_MS...
#
# Reads commands from stdin, one a line: `scale X` multiplies every delay by X from the next packet on (0: no delay)
# and answers `ok` on stdout once it holds; `quit` ends it after releasing what it holds.
import heapq
import os
import select
import socket
import struct
import sys
import time

NETLINK_NETFILTER = 12
NFNL_SUBSYS_QUEUE = 3
NFQNL_MSG_PACKET = 0
NFQNL_MSG_VERDICT = 1
NFQNL_MSG_CONFIG = 2
NLM_F_REQUEST = 1
NLM_F_ACK = 4
NLMSG_ERROR = 2
NFQA_CFG_CMD = 1
NFQA_CFG_PARAMS = 2
NFQA_PACKET_HDR = 1
NFQA_VERDICT_HDR = 2
NFQNL_CFG_CMD_BIND = 1
NFQNL_COPY_META = 1
NF_ACCEPT = 1
AF_INET = 2
SOL_NETLINK = 270
NETLINK_NO_ENOBUFS = 5


def attribute(kind, payload):
    length = 4 + len(payload)
    return struct.pack('=HH', length, kind) + payload + b'\0' * (-length % 4)


def message(kind, queue, attributes, flags=NLM_F_REQUEST):
    # nfgenmsg: family, version 0, the queue number (big-endian).
    body = struct.pack('!BBH', AF_INET, 0, queue) + b''.join(attributes)
    return struct.pack('=IHHII', 16 + len(body), (NFNL_SUBSYS_QUEUE << 8) | kind, flags, 0, 0) + body


def bind(sock, queue):
    def configure(kind, payload, what):
        sock.send(message(NFQNL_MSG_CONFIG, queue, [attribute(kind, payload)], NLM_F_REQUEST | NLM_F_ACK))
        expect_ack(sock, f'{what} queue {queue}')

    configure(NFQA_CFG_CMD, struct.pack('!BxH', NFQNL_CFG_CMD_BIND, AF_INET), 'bind')
    # Only the metadata: the verdict needs the packet's id, not its bytes.
    configure(NFQA_CFG_PARAMS, struct.pack('!IB', 0, NFQNL_COPY_META), 'configure')


def expect_ack(sock, what):
    data = sock.recv(65536)
    _, kind = struct.unpack_from('=IH', data)
    if kind != NLMSG_ERROR:
        raise SystemExit(f'delay-queue: {what}: unexpected answer {kind}')
    (error,) = struct.unpack_from('=i', data, 16)
    if error != 0:
        raise SystemExit(f'delay-queue: {what}: {os.strerror(-error)}')


def packets(data):
    """(queue, packet id) of each packet message in one read."""
    offset = 0
    while offset + 16 <= len(data):
        length, kind = struct.unpack_from('=IH', data, offset)
        if length < 16:
            break
        if kind == (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET:
            (queue,) = struct.unpack_from('!H', data, offset + 18)
            at = offset + 20
            while at + 4 <= offset + length:
                size, attr = struct.unpack_from('=HH', data, at)
                if size < 4:
                    break
                if attr & 0x7FFF == NFQA_PACKET_HDR:
                    (packet_id,) = struct.unpack_from('!I', data, at + 4)
                    yield queue, packet_id
                at += (size + 3) & ~3
        offset += (length + 3) & ~3


def main():
    delays = {}
    for arg in sys.argv[1:]:
        queue, ms = arg.split(':')
        delays[int(queue)] = float(ms) / 1000
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    sock.setsockopt(SOL_NETLINK, NETLINK_NO_ENOBUFS, 1)
    sock.bind((0, 0))
    for queue in delays:
        bind(sock, queue)
    scale = 0.0
    held = []  # (due, sequence, queue, packet id): a constant delay per queue keeps each queue in order
    sequence = 0
    commands = sys.stdin.buffer
    print('ready', flush=True)
    running = True
    while running or held:
        timeout = max(0.0, held[0][0] - time.monotonic()) if held else None
        readable, _, _ = select.select([sock, commands] if running else [sock], [], [], timeout if running else 0.01)
        now = time.monotonic()
        if sock in readable:
            for queue, packet_id in packets(sock.recv(1 << 20)):
                sequence += 1
                heapq.heappush(held, (now + delays.get(queue, 0) * scale, sequence, queue, packet_id))
        if commands in readable:
            line = commands.readline().decode().split()
            if not line or line[0] == 'quit':
                running = False
            elif line[0] == 'scale':
                scale = float(line[1])
                print('ok', flush=True)
        now = time.monotonic()
        while held and held[0][0] <= now:
            _, _, queue, packet_id = heapq.heappop(held)
            verdict = attribute(NFQA_VERDICT_HDR, struct.pack('!II', NF_ACCEPT, packet_id))
            sock.send(message(NFQNL_MSG_VERDICT, queue, [verdict]))


main()
