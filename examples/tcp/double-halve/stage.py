"""A middle stage of the double-and-halve pipeline (Python 3): `stage.py double DOWNSTREAM` doubles
each item and passes it on, `stage.py halve DOWNSTREAM` halves it. Items arrive as "<seq> <value>"
lines on connections to LDFI_PORT and leave on a connection to the downstream peer.

With RECOVERY=1 (session recovery): every item is acknowledged ("ack <seq>") on the connection it came
on, items seen before are not passed on again, and what the downstream peer has not acknowledged is
sent again every second round (on "tick" lines). Without it, a lost message or a dropped connection
loses the item."""
import asyncio
import os
import sys

RECOVERY = os.environ.get("RECOVERY") == "1"
RESEND_EVERY = 2  # rounds
OPERATION = sys.argv[1]
HOST, PORT = os.environ["LDFI_PEER_" + sys.argv[2].upper()].rsplit(":", 1)
HOST = HOST.strip("[]")

seen = set()
unacked = {}  # seq -> value
downstream = None


def apply(value):
    return value * 2 if OPERATION == "double" else value // 2


async def read_acks(reader, writer):
    global downstream
    try:
        while True:
            line = await reader.readline()
            if not line:
                break
            kind, seq = line.decode().split()
            if kind == "ack":
                unacked.pop(int(seq), None)
    except OSError:
        pass  # a reset connection ends like a closed one
    if downstream is writer:
        downstream = None


async def send(seq, value):
    global downstream
    if downstream is None or downstream.is_closing():
        try:
            reader, downstream = await asyncio.open_connection(HOST, int(PORT))
            asyncio.create_task(read_acks(reader, downstream))
        except OSError:
            downstream = None
            return
    downstream.write(f"{seq} {value}\n".encode())


async def upstream(reader, writer):
    while True:
        try:
            line = await reader.readline()
        except OSError:
            break
        if not line:
            break
        seq, value = (int(x) for x in line.decode().split())
        if RECOVERY:
            writer.write(f"ack {seq}\n".encode())
            if seq in seen:
                continue
            seen.add(seq)
            unacked[seq] = apply(value)
        await send(seq, apply(value))


async def ticks():
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            return
        if RECOVERY and line.startswith("tick ") and int(line.split()[1]) % RESEND_EVERY == 0:
            for seq, value in list(unacked.items()):
                await send(seq, value)


async def main():
    server = await asyncio.start_server(upstream, os.environ["LDFI_HOST"], int(os.environ["LDFI_PORT"]))
    print("READY", flush=True)
    async with server:
        await ticks()


asyncio.run(main())
