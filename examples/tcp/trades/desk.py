# The desk of the trade-acceptance system (Python): takes prices from the feed and trades from the
# gateway, accepts a trade within BAND of the last price, and prints each decision as an output
# ("OUT {json}"). Exactly-once over at-least-once delivery: a trade is decided once, in sequence
# order, and acknowledged (in a batch, at the next tick: the commit) only once decided; a price
# replaces the last one only if it is newer. Both facts are written to LDFI_DATA before anything is
# printed, so a restart changes nothing. DESK_BUG=commit-after-output (how far it has decided written
# only at the commit, after the decisions are out) or any-price-is-last gives the two broken twins.
import json
import os
import socket
import socketserver
import sys
import threading

BAND = 2
BUG = os.environ.get('DESK_BUG', '')
DATA = os.path.join(os.environ['LDFI_DATA'], 'desk.json')
lock = threading.Lock()
state = {'last': None, 'next': 1}
if os.path.exists(DATA):
    with open(DATA) as f:
        state = json.load(f)
waiting = {}  # trades ahead of their turn: unacknowledged, so they come again after a restart
decided = None  # with commit-after-output: how far it has decided since the last commit (memory only)
to_ack = []  # (reply, seq) acknowledged at the next tick


def save():
    with open(DATA + '.tmp', 'w') as f:
        json.dump(state, f)
    os.replace(DATA + '.tmp', DATA)


def decide(trade_id, px):
    last = state['last']
    ok = last is not None and abs(px - last['px']) <= BAND
    print('OUT ' + json.dumps({'id': trade_id, 'ok': ok}, separators=(',', ':')), flush=True)


def handle(line, reply):
    parts = line.split()
    if not parts:
        return
    if parts[0] == 'price':
        seq, px = int(parts[1]), int(parts[2])
        with lock:
            last = state['last']
            if BUG == 'any-price-is-last' or last is None or seq > last['seq']:
                state['last'] = {'seq': seq, 'px': px}
                save()
        reply(f'ack price {seq}')
    elif parts[0] == 'trade':
        seq, trade_id, px = int(parts[1]), parts[2], int(parts[3])
        global decided
        with lock:
            expected = decided if decided is not None else state['next']
            if seq > expected:
                waiting[seq] = (trade_id, px)
            elif seq == expected:
                now = [(trade_id, px)]
                n = seq + 1
                while n in waiting:
                    now.append(waiting.pop(n))
                    n += 1
                if BUG == 'commit-after-output':
                    decided = n
                else:
                    state['next'] = n
                    save()
                for t in now:
                    decide(*t)
                to_ack.extend((reply, a) for a in range(seq, n))
            else:
                to_ack.append((reply, seq))  # decided before: a redelivery changes nothing


def commit():
    global decided
    with lock:
        if decided is not None:
            state['next'] = decided
            decided = None
            save()
        acks = to_ack[:]
        to_ack.clear()
    for reply, seq in acks:
        reply(f'ack trade {seq}')


class Connection(socketserver.StreamRequestHandler):
    def handle(self):
        def reply(text):
            try:
                self.wfile.write((text + '\n').encode())
                self.wfile.flush()
            except OSError:
                pass
        for raw in self.rfile:
            handle(raw.decode().strip(), reply)


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


host = os.environ['LDFI_HOST']
Server.address_family = socket.AF_INET6 if ':' in host else socket.AF_INET
server = Server((host, int(os.environ['LDFI_PORT'])), Connection)
threading.Thread(target=server.serve_forever, daemon=True).start()
print('READY', flush=True)
for line in sys.stdin:  # a tick is a commit
    if line.startswith('tick '):
        commit()
