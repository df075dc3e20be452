#!/usr/bin/env python3
"""Concurrent load against a running `sanet serve`: N clients each send R stylize requests.

    Benchmarks/load.py --url http://127.0.0.1:8080 --content photo.jpg --style painting.jpg \
        [--clients 4] [--requests 3] [--field content_size=512 ...]

Prints every request's status and seconds, then latency percentiles and throughput.
Standard library only, so it runs on any Python 3.
"""
import argparse
import http.client
import statistics
import threading
import time
import urllib.parse
import uuid
from pathlib import Path


def multipart(files, fields):
    boundary = uuid.uuid4().hex
    chunks = []
    for name, path in files:
        chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                      f'filename="{Path(path).name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode())
        chunks.append(Path(path).read_bytes())
        chunks.append(b"\r\n")
    for name, value in fields:
        chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    parser.add_argument("--content", required=True)
    parser.add_argument("--style", required=True, action="append")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--requests", type=int, default=3, help="requests per client")
    parser.add_argument("--field", action="append", default=[], help="extra form field NAME=VALUE")
    args = parser.parse_args()

    body, content_type = multipart([("content", args.content)] + [("style", s) for s in args.style],
                                   [tuple(f.split("=", 1)) for f in args.field])
    target = urllib.parse.urlsplit(args.url)
    results, lock = [], threading.Lock()

    def client():
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=600)
        for _ in range(args.requests):
            start = time.monotonic()
            connection.request("POST", "/v1/stylize", body, {"Content-Type": content_type})
            response = connection.getresponse()
            response.read()
            seconds = time.monotonic() - start
            with lock:
                results.append((response.status, seconds))
                print(f"status={response.status} seconds={seconds:.3f}", flush=True)

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started

    ok = sorted(seconds for status, seconds in results if status == 200)
    def percentile(p):
        return ok[min(len(ok) - 1, int(round(p / 100 * (len(ok) - 1))))] if ok else float("nan")
    print(f"requests={len(results)} ok={len(ok)} clients={args.clients} elapsed_s={elapsed:.2f}")
    print(f"throughput_per_min={60 * len(ok) / elapsed:.2f}")
    print(f"latency_s p50={percentile(50):.3f} p90={percentile(90):.3f} p99={percentile(99):.3f} "
          f"mean={statistics.mean(ok) if ok else float('nan'):.3f}")


if __name__ == "__main__":
    main()
