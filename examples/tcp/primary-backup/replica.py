"""A replica of the primary-backup store (Python 3): `replica.py primary` or `replica.py backup`.
Every write it stores is written as the output {"stored": "key=value"}.

The primary stores a write, replicates it to the backup ("rep key=value") and acknowledges it to the
client ("ack key=value"). Every message carries on the write's W3C trace context ("traceparent=…",
as the client sent it), and so does every output: ldfi reads it as the message's cause. With SYNC=1 it acknowledges only once the backup has acknowledged the
replica ("repack key=value"), and sends the replica again every second round until then; without
(asynchronous replication), it acknowledges at once, so a write the client was told is stored may
exist only at a primary that then crashes, if the replica was lost."""
import asyncio
import json
import os
import sys

ROLE = sys.argv[1]
SYNC = os.environ.get("SYNC") == "1"
RESEND_EVERY = 2  # rounds
stored = set()
waiting = {}  # write -> (the client's writer, the trace context), until the backup acknowledges (SYNC)
backup = None


def store(write, trace):
    if write not in stored:
        stored.add(write)
        print("OUT " + json.dumps({"stored": write, "traceparent": trace.split("=", 1)[1]}), flush=True)


async def read_backup(reader, writer):
    global backup
    try:
        while True:
            line = await reader.readline()
            if not line:
                break
            kind, write, trace = line.decode().split()
            if kind == "repack" and write in waiting:
                client, trace = waiting.pop(write)
                client.write(f"ack {write} {trace}\n".encode())
    except OSError:
        pass
    if backup is writer:
        backup = None


async def replicate(write, trace):
    global backup
    if backup is None or backup.is_closing():
        host, port = os.environ["LDFI_PEER_BACKUP"].rsplit(":", 1)
        try:
            reader, backup = await asyncio.open_connection(host.strip("[]"), int(port))
            asyncio.create_task(read_backup(reader, backup))
        except OSError:
            backup = None
            return
    backup.write(f"rep {write} {trace}\n".encode())


async def serve(reader, writer):
    while True:
        try:
            line = await reader.readline()
        except OSError:
            break
        if not line:
            break
        kind, write, trace = line.decode().split()
        if ROLE == "backup" and kind == "rep":
            store(write, trace)
            writer.write(f"repack {write} {trace}\n".encode())
        elif ROLE == "primary" and kind == "put":
            store(write, trace)
            if SYNC:
                waiting[write] = (writer, trace)
            else:
                writer.write(f"ack {write} {trace}\n".encode())
            await replicate(write, trace)


async def ticks():
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            return
        if SYNC and ROLE == "primary" and line.startswith("tick ") and int(line.split()[1]) % RESEND_EVERY == 0:
            for write, (_, trace) in list(waiting.items()):
                await replicate(write, trace)


async def main():
    server = await asyncio.start_server(serve, os.environ["LDFI_HOST"], int(os.environ["LDFI_PORT"]))
    print("READY", flush=True)
    async with server:
        await ticks()


asyncio.run(main())
