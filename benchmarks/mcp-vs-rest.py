#!/usr/bin/env python3
"""What a tools/call over MCP costs next to the same request over REST, against a running
`./opsplane run` on 127.0.0.1 (base URL port and admin key file as arguments).

One keep-alive connection per door, requests one after another (latency, not throughput):
`POST /v1/executions` with mode plan against MCP `tools/call` of `opsplane.plan` with the same
tool and input, alternating, after a warm-up. A plan touches no target, so the difference is
the door: JSON-RPC framing, the SSE answer, the MCP session lookup and the result mapping.
Bounded: stops after the given number of rounds. Prints median, p90 and p99 per door.

Usage: benchmarks/mcp-vs-rest.py [port] [admin-key-file] [rounds]   (defaults 8080 data/admin-key 500)
"""
import http.client
import json
import statistics
import sys
import time

PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 8080
KEY = open(sys.argv[2] if len(sys.argv) > 2 else "data/admin-key").read().strip()
ROUNDS = int(sys.argv[3]) if len(sys.argv) > 3 else 500
WARM_UP = 50
TOOL = "service.healthcheck"
INPUT = {"url": "http://127.0.0.1:%d/actuator/health" % PORT}


def request(connection, path, body, headers):
    started = time.perf_counter()
    connection.request("POST", path, body=json.dumps(body), headers=headers)
    response = connection.getresponse()
    payload = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    return response, payload, elapsed


def main():
    rest = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    mcp = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    auth = {"Authorization": "Bearer " + KEY, "Content-Type": "application/json"}
    mcp_headers = dict(auth, Accept="application/json, text/event-stream")

    response, _, _ = request(mcp, "/mcp", {"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}},
                             mcp_headers)
    mcp_headers["Mcp-Session-Id"] = response.getheader("Mcp-Session-Id")
    request(mcp, "/mcp", {"jsonrpc": "2.0", "method": "notifications/initialized"}, mcp_headers)

    timings = {"rest": [], "mcp": []}
    for i in range(WARM_UP + ROUNDS):
        r, payload, rest_ms = request(rest, "/v1/executions", {"tool": TOOL, "mode": "plan", "input": INPUT}, auth)
        assert r.status == 200, payload
        m, payload, mcp_ms = request(mcp, "/mcp", {"jsonrpc": "2.0", "id": i + 1, "method": "tools/call", "params": {
            "name": "opsplane.plan", "arguments": {"tool": TOOL, "input": INPUT}}}, mcp_headers)
        assert m.status == 200 and b'"status\\":\\"planned\\"' in payload, payload[:300]
        if i >= WARM_UP:
            timings["rest"].append(rest_ms)
            timings["mcp"].append(mcp_ms)

    for door, values in timings.items():
        values.sort()
        print("%-4s n=%d median %.2f ms  p90 %.2f ms  p99 %.2f ms" % (
            door, len(values), statistics.median(values), values[int(len(values) * 0.9)],
            values[int(len(values) * 0.99)]))
    print("median difference (mcp - rest): %.2f ms" % (
        statistics.median(timings["mcp"]) - statistics.median(timings["rest"])))


if __name__ == "__main__":
    main()
