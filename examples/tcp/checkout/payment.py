"""The payment service (Python's http.server): POST /charge {order, amount} charges the card and
answers {"charged": amount}. Every charge is an output: {"op": "charged", "order", "amount"}, with
the trace and span of the request that made it (OpenTelemetry's log correlation fields).

A request with an Idempotency-Key header that was seen before is answered as the first time, and not
charged again (the key store is the service's memory: this service is never restarted here)."""
import json
import os
import re
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

answered = {}  # idempotency key -> the first answer's body


class Payment(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'  # keep-alive, each response framed by Content-Length

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers['Content-Length'])))
        key = self.headers.get('Idempotency-Key')
        if key is not None and key in answered:
            return self.answer(answered[key])
        ctx = re.match(r'00-([0-9a-f]{32})-([0-9a-f]{16})-', self.headers.get('traceparent', ''))
        trace = {'trace_id': ctx.group(1), 'span_id': ctx.group(2)} if ctx else {}
        print('OUT ' + json.dumps({'op': 'charged', 'order': body['order'], 'amount': body['amount'], **trace}), flush=True)
        reply = json.dumps({'charged': body['amount']}).encode()
        if key is not None:
            answered[key] = reply
        self.answer(reply)

    def answer(self, reply):
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass  # the access log would go to stderr: ldfi keeps it, but it says nothing here


server = ThreadingHTTPServer((os.environ['LDFI_HOST'], int(os.environ['LDFI_PORT'])), Payment)
print('READY', flush=True)
server.serve_forever()
