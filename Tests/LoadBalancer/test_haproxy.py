"""Three `sanet serve` replicas behind HAProxy (deploy/haproxy/haproxy.cfg), with real traffic
through it on loopback:

  1. requests are spread over the replicas, and X-Request-ID is passed through (the client's,
     or one HAProxy makes);
  2. a replica stopped with SIGTERM under load drains and leaves: no client request fails;
  3. the replica comes back on its port and is used again;
  4. a replica killed with SIGKILL under load: only requests it was running or holding may fail
     (they are counted), and every request that starts afterwards succeeds;
  5. that one comes back too and is used again;
  6. a replica whose queue is full answers /readyz 503, HAProxy takes it out and sends the
     work elsewhere, and puts it back once its queue has room.

    python3 Tests/LoadBalancer/test_haproxy.py BINARY

Each replica runs one worker and a queue of three, so that four requests fill it. The figures
(requests, failures, per-replica counts from each replica's /metrics and HAProxy's own) are
printed as it goes; any assertion that fails ends it with status 1.
"""
import csv
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPOSITORY, "Tests", "Hostile"))

from harness import HOST, NoResponse, free_port, get, multipart, read_input, request  # noqa: E402

CONFIG = os.path.join(REPOSITORY, "deploy", "haproxy", "haproxy.cfg")
WEIGHTS = os.environ.get("SANET_LB_WEIGHTS", os.path.join(REPOSITORY, "Tests", "Reference", "generated", "weights-zip"))
WORKERS = 1
QUEUE_DEPTH = 3
#: What one replica may hold at once: the most requests a SIGKILL can take down with it.
HELD = WORKERS + QUEUE_DEPTH
#: Two or three requests in progress per replica, so that SIGTERM and SIGKILL find some queued;
#: even with one replica out, the other two never hold more than their worker and queue.
CLIENTS = 5
CONTENT = read_input("content_golden_gate_64x64.png")
STYLE = read_input("style_starry_64x80.png")
#: A few tenths of a second each: long enough that a replica always has one in progress.
FIELDS = [("content", "content.png", CONTENT), ("style", "style.png", STYLE), ("method", None, b"adain"),
          ("content_size", None, b"128"), ("style_size", None, b"128")]
#: Tens of seconds: these hold a replica's worker and queue until the check lets them go.
LONG_FIELDS = [("content", "content.png", CONTENT), ("style", "style.png", STYLE), ("method", None, b"adain"),
               ("content_size", None, b"1024"), ("style_size", None, b"256")]
#: HAProxy's unique-id-format: hexadecimal addresses, ports, time, counter and process id.
HAPROXY_ID = re.compile(r"^[0-9A-F]+:[0-9A-F]+_[0-9A-F]+:[0-9A-F]+_[0-9A-F]+_[0-9A-F]+:[0-9A-F]+$")
#: option httplog: frontend, backend/server, timers, status, bytes, cookies, termination state,
#: connection counts (the last is the retries, + when redispatched), queues, the captured X-Request-ID.
LOG_LINE = re.compile(r"\] sanet sanet/(?P<server>\S+) \S+ -?\d+ \S+ \S+ \S+ \S{4} "
                      r"\d+/\d+/\d+/\d+/\+?(?P<retries>\d+) \S+ \{(?P<id>[^}]*)\}")


def figure(line):
    print(f"    {line}", flush=True)


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def wait_for(what, predicate, timeout):
    """Seconds until `predicate()` held, polled every 0.1 s; fails after `timeout`."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if predicate():
            return time.monotonic() - started
        time.sleep(0.1)
    raise AssertionError(f"{what}: not after {timeout:.0f} s")


def stylize_bytes(fields, request_id):
    content_type, body = multipart(fields)
    head = (f"POST /v1/stylize HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\n" + (f"X-Request-ID: {request_id}\r\n" if request_id else "")
            + "Connection: close\r\n\r\n").encode()
    return head + body


class Replica:
    """One `sanet serve` on a fixed loopback port, so that it can come back where HAProxy expects it."""

    def __init__(self, binary, name):
        self.binary = binary
        self.name = name
        self.port = free_port()
        self.process = None
        descriptor, self.log_path = tempfile.mkstemp(prefix=f"sanet-{self.name}-", suffix=".log")
        os.close(descriptor)

    def start(self):
        """Starts it, again after it stopped; each run's log follows the last."""
        log = open(self.log_path, "ab")
        environment = dict(os.environ, SANET_WEIGHTS=WEIGHTS, SANET_HOST=HOST, SANET_PORT=str(self.port))
        self.process = subprocess.Popen([self.binary, "serve", "--workers", str(WORKERS), "--threads", "1",
                                         "--queue-depth", str(QUEUE_DEPTH)],
                                        env=environment, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        log.close()
        return self

    def wait_ready(self, timeout=90):
        def ready():
            check(self.process.poll() is None, f"{self.name} exited {self.process.returncode}: {self.log_tail()}")
            try:
                return get(self.port, "/readyz", timeout=2).status == 200
            except (OSError, NoResponse):
                return False
        wait_for(f"{self.name} ready", ready, timeout)

    def readyz(self):
        response = get(self.port, "/readyz", timeout=5)
        return response.status, response.json()

    def stylized(self):
        """POST /v1/stylize answered 200, from the replica's own /metrics."""
        text = get(self.port, "/metrics", timeout=5).body.decode()
        found = re.search(r'^sanet_http_requests_total\{route="/v1/stylize",method="POST",status="200"\} (\d+)', text,
                          re.MULTILINE)
        return int(found.group(1)) if found else 0

    def log_records(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as file:
            return [json.loads(line) for line in file if line.startswith("{")]

    def log_tail(self, characters=1500):
        with open(self.log_path, encoding="utf-8", errors="replace") as file:
            return file.read()[-characters:]

    def signal(self, number):
        self.process.send_signal(number)

    def wait_exit(self, timeout):
        return self.process.wait(timeout=timeout)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


class HAProxy:
    def __init__(self, replicas):
        self.port = free_port()
        self.stats_port = free_port()
        self.environment = dict(os.environ, SANET_HAPROXY_BIND=f"{HOST}:{self.port}",
                                SANET_HAPROXY_STATS=f"{HOST}:{self.stats_port}",
                                **{f"SANET_REPLICA_{index}": f"{HOST}:{replica.port}"
                                   for index, replica in enumerate(replicas, 1)})
        self.process = None
        self.log_path = None

    def validate(self):
        result = subprocess.run(["haproxy", "-dW", "-c", "-f", CONFIG], env=self.environment, capture_output=True, text=True)
        check(result.returncode == 0, f"haproxy -dW -c rejects {CONFIG}:\n{result.stdout}{result.stderr}")

    def start(self):
        log = tempfile.NamedTemporaryFile(prefix="sanet-haproxy-", suffix=".log", delete=False)
        self.log_path = log.name
        self.process = subprocess.Popen(["haproxy", "-db", "-f", CONFIG], env=self.environment,
                                        stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        log.close()

        def listening():
            check(self.process.poll() is None, f"haproxy exited {self.process.returncode}: {self.log_tail()}")
            try:
                return bool(self.servers())
            except OSError:
                return False
        wait_for("HAProxy's stats page", listening, 20)
        return self

    def log_tail(self, characters=1500):
        with open(self.log_path, encoding="utf-8", errors="replace") as file:
            return file.read()[-characters:]

    def servers(self):
        """The backend's servers from the stats CSV: name -> row (status, stot, check_status, ...)."""
        with urllib.request.urlopen(f"http://{HOST}:{self.stats_port}/stats;csv", timeout=5) as answer:
            text = answer.read().decode().lstrip("# ")
        return {row["svname"]: row for row in csv.DictReader(io.StringIO(text))
                if row["pxname"] == "sanet" and row["svname"] not in ("FRONTEND", "BACKEND")}

    def status(self, name):
        return self.servers()[name]["status"]

    def sent(self, name):
        """Requests HAProxy has sent to the server (its stot)."""
        return int(self.servers()[name]["stot"])

    def wait_status(self, name, wanted, timeout=20):
        """Waits until HAProxy reports the server as `wanted` (UP or DOWN); returns the seconds it took."""
        return wait_for(f"HAProxy marks {name} {wanted}", lambda: self.status(name).split()[0] == wanted, timeout)

    def requests(self):
        """id -> (the server that answered or failed it, how many times it was retried), from the log."""
        found = {}
        with open(self.log_path, encoding="utf-8", errors="replace") as file:
            for line in file:
                match = LOG_LINE.search(line)
                if match:
                    found[match["id"]] = (match["server"], int(match["retries"]))
        return found

    def requests_of(self, results):
        """`requests()` once the log has a line for each of these (HAProxy writes it just after
        the response)."""
        wanted = {result.request_id for result in results}
        wait_for("HAProxy's log lines", lambda: wanted <= self.requests().keys(), 10)
        return self.requests()

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


class Result:
    def __init__(self, request_id, started):
        self.request_id = request_id
        self.started = started
        self.finished = None
        self.status = None
        self.error = None
        self.echoed = None

    @property
    def failed(self):
        return self.status != 200


class Load:
    """CLIENTS threads posting stylizations through HAProxy one after another, each on a new
    connection, until stopped (or until `total` requests have been made)."""

    def __init__(self, port, phase, total=None):
        self.port = port
        self.phase = phase
        self.total = total
        self.results = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.client, daemon=True) for _ in range(CLIENTS)]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_):
        self.stop()

    def next_result(self):
        with self.lock:
            if self.stopping.is_set() or (self.total is not None and len(self.results) >= self.total):
                return None
            result = Result(f"lb-{self.phase}-{len(self.results) + 1}", time.monotonic())
            self.results.append(result)
            return result

    def client(self):
        while (result := self.next_result()) is not None:
            try:
                response = request(self.port, stylize_bytes(FIELDS, result.request_id), timeout=60)
                result.status = response.status
                result.echoed = response.header("X-Request-ID")
                if response.status != 200:
                    result.error = response.body[:200].decode("utf-8", "replace")
            except (OSError, NoResponse) as error:
                result.error = str(error)
            result.finished = time.monotonic()

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=90)
        check(all(not thread.is_alive() for thread in self.threads), f"{self.phase}: a client is still waiting")
        return self.results

    def run_for(self, seconds):
        time.sleep(seconds)
        return self.stop()

    @classmethod
    def run(cls, port, phase, total):
        """Makes `total` requests and returns their results."""
        load = cls(port, phase, total)
        with load:
            for thread in load.threads:
                thread.join(timeout=120)
        return load.results


def failures(results):
    return [result for result in results if result.failed]


def describe(results):
    failed = failures(results)
    line = f"{len(results)} requests, {len(failed)} failed"
    for result in failed[:5]:
        # HAProxy's own error pages are HTML: their text is enough.
        text = " ".join(re.sub(r"<[^>]*>", " ", result.error or "").split())[:100]
        line += f"; {result.request_id} {result.status or ''} {text}"
    return line


def counts(replicas):
    return {replica.name: replica.stylized() for replica in replicas if replica.process.poll() is None}


def served_by(haproxy, results):
    """Per server, how many of these requests HAProxy sent there (from its log)."""
    logged = haproxy.requests_of(results)
    tally = {}
    for result in results:
        server = logged[result.request_id][0]
        tally[server] = tally.get(server, 0) + 1
    return dict(sorted(tally.items()))


def retried(haproxy, results):
    """How many of these requests HAProxy retried (a refused connection) before one took them."""
    logged = haproxy.requests_of(results)
    return sum(1 for result in results if logged[result.request_id][1] > 0)


def logged_ids(replica):
    return {record.get("request_id") for record in replica.log_records() if record.get("message") == "request"}


def spread(haproxy, replicas):
    before = counts(replicas)
    results = Load.run(haproxy.port, "spread", 30)
    check(not failures(results), f"spread: {describe(results)}")
    after = counts(replicas)
    gained = {name: after[name] - before[name] for name in after}
    figure(f"{describe(results)}; stylized per replica (/metrics): {gained}")
    check(sum(gained.values()) == len(results), f"the replicas' /metrics count {sum(gained.values())} stylizations "
                                                f"for {len(results)} requests")
    check(all(count >= 3 for count in gained.values()), f"some replica got almost no work: {gained}")

    made = request(haproxy.port, stylize_bytes(FIELDS, None), timeout=60)
    check(made.status == 200, f"a request without X-Request-ID: {made.status}")
    made_id = made.header("X-Request-ID") or ""
    check(HAPROXY_ID.match(made_id), f"the X-Request-ID of a request without one is not HAProxy's: {made_id!r}")
    given = request(haproxy.port, stylize_bytes(FIELDS, "client-chosen-42"), timeout=60)
    check(given.header("X-Request-ID") == "client-chosen-42",
          f"the client's X-Request-ID came back as {given.header('X-Request-ID')!r}")
    # Replicas write their log lines from a thread of their own, just after answering.
    for request_id in (made_id, "client-chosen-42"):
        wait_for(f"a replica's log line for {request_id}",
                 lambda: any(request_id in logged_ids(replica) for replica in replicas), 10)
    figure(f"X-Request-ID: made by HAProxy {made_id}, the client's kept; both in a replica's log")


def busy(haproxy, replica):
    """Waits until HAProxy has at least two requests in progress on the replica (one running,
    one queued); returns how many."""
    def in_progress():
        return int(haproxy.servers()[replica.name]["scur"])
    wait_for(f"two requests in progress on {replica.name}", lambda: in_progress() >= 2, 20)
    return in_progress()


def drain(haproxy, replica):
    with Load(haproxy.port, "sigterm") as load:
        in_progress = busy(haproxy, replica)
        replica.signal(signal.SIGTERM)
        signalled = time.monotonic()
        code = replica.wait_exit(timeout=60)
        exited = time.monotonic() - signalled
        haproxy.wait_status(replica.name, "DOWN")
        results = load.run_for(2)
    records = replica.log_records()
    shutdown = max(index for index, record in enumerate(records) if record.get("message") == "shutting down")
    drained = [record for record in records[shutdown:]
               if record.get("message") == "request" and record.get("target") == "/v1/stylize"]
    figure(f"{describe(results)}; {replica.name} had {in_progress} in progress at SIGTERM, answered "
           f"{len(drained)} more (statuses {sorted({record['status'] for record in drained})}), exited {code} "
           f"after {exited:.1f} s; HAProxy marked it DOWN; {retried(haproxy, results)} request(s) retried "
           f"on another replica after a refused connection")
    check(code == 0, f"{replica.name} exited {code} after SIGTERM")
    check(drained, f"{replica.name} answered nothing after SIGTERM, though it had requests in progress")
    check(all(record["status"] == "200" for record in drained), f"{replica.name} answered non-200 while draining")
    check(not failures(results), f"SIGTERM: {describe(results)}")


def come_back(haproxy, replica):
    replica.start().wait_ready()
    seconds = haproxy.wait_status(replica.name, "UP")
    sent_before = haproxy.sent(replica.name)
    results = Load.run(haproxy.port, f"back-{replica.name}", 15)
    check(not failures(results), f"after {replica.name} came back: {describe(results)}")
    gained = replica.stylized()
    figure(f"{replica.name} back: UP in HAProxy {seconds:.1f} s after it was ready; {describe(results)}; "
           f"per server (HAProxy log) {served_by(haproxy, results)}; {replica.name} stylized {gained}")
    check(gained >= 2 and haproxy.sent(replica.name) > sent_before, f"{replica.name} came back but got no work")


def kill(haproxy, replica):
    with Load(haproxy.port, "sigkill") as load:
        in_progress = busy(haproxy, replica)
        replica.signal(signal.SIGKILL)
        killed = time.monotonic()
        replica.wait_exit(timeout=10)
        # Requests that began while the signal was on its way may still have reached it.
        dead = time.monotonic()
        haproxy.wait_status(replica.name, "DOWN")
        down = time.monotonic() - killed
        time.sleep(2)
        results = load.stop()
    logged = haproxy.requests_of(results)
    failed = failures(results)
    late = [result for result in failed if result.started >= dead]
    elsewhere = [result for result in failed if logged[result.request_id][0] != replica.name]
    after = [result for result in results if result.started >= dead]
    figure(f"{describe(results)}; {len(after)} started after {replica.name} was gone, {len(late)} of them failed")
    figure(f"{replica.name} killed with {in_progress} in progress: {len(failed)} request(s) it held failed "
           f"({', '.join(str(result.status or result.error) for result in failed) or 'none'}); "
           f"HAProxy marked it DOWN {down:.1f} s after the kill; per server {served_by(haproxy, results)}; "
           f"{retried(haproxy, results)} retried on another replica after a refused connection")
    check(not late, f"requests that started after {replica.name} was gone failed: {describe(late)}")
    check(not elsewhere, f"failures on other replicas than the killed one: {describe(elsewhere)}")
    check(len(failed) <= HELD, f"{len(failed)} failures, more than the {HELD} requests {replica.name} could hold")
    check(len(after) >= CLIENTS, f"too few requests after {replica.name} was gone to tell")


class Held:
    """A stylization sent straight to a replica, kept waiting until `release` closes its connection."""

    def __init__(self, port):
        self.sock = socket.create_connection((HOST, port), timeout=10)
        self.sock.sendall(stylize_bytes(LONG_FIELDS, None))

    def release(self):
        self.sock.close()


def queue_full(haproxy, replica):
    held = [Held(replica.port)]
    wait_for(f"{replica.name} busy", lambda: replica.readyz()[1]["workers"]["busy"] == WORKERS, 20)
    held += [Held(replica.port) for _ in range(QUEUE_DEPTH)]
    wait_for(f"{replica.name} queue full", lambda: replica.readyz()[1]["queue"]["queued"] == QUEUE_DEPTH, 20)
    status, body = replica.readyz()
    check(status == 503 and body["status"] == "busy", f"{replica.name} with a full queue: /readyz {status} {body}")
    out = haproxy.wait_status(replica.name, "DOWN")
    check_status = haproxy.servers()[replica.name]["check_status"]
    sent_before = haproxy.sent(replica.name)
    results = Load.run(haproxy.port, "queue-full", 15)
    sent_during = haproxy.sent(replica.name) - sent_before
    still = replica.readyz()[0]
    figure(f"{replica.name} full: /readyz 503 busy, HAProxy took it out in {out:.1f} s ({check_status}); "
           f"{describe(results)}; per server {served_by(haproxy, results)}; sent to {replica.name}: {sent_during}")
    check(still == 503, f"{replica.name}'s queue emptied before the check was over: /readyz {still}")
    check(not failures(results), f"with {replica.name} full: {describe(results)}")
    check(sent_during == 0, f"HAProxy sent {sent_during} request(s) to {replica.name} while its queue was full")
    for request_held in held:
        request_held.release()
    wait_for(f"{replica.name} ready again", lambda: replica.readyz()[0] == 200, 30)
    back = haproxy.wait_status(replica.name, "UP")
    sent_before = haproxy.sent(replica.name)
    results = Load.run(haproxy.port, "queue-room", 15)
    sent_after = haproxy.sent(replica.name) - sent_before
    figure(f"{replica.name} with room again: UP in HAProxy after {back:.1f} s; {describe(results)}; "
           f"sent to {replica.name}: {sent_after}")
    check(not failures(results), f"after {replica.name}'s queue emptied: {describe(results)}")
    check(sent_after >= 2, f"{replica.name} has room again but HAProxy sent it {sent_after} request(s)")


def main():
    binary = sys.argv[1]
    started = time.monotonic()
    replicas = [Replica(binary, f"replica{index}") for index in (1, 2, 3)]
    haproxy = HAProxy(replicas)
    haproxy.validate()
    passed = False
    try:
        for replica in replicas:
            replica.start()
        for replica in replicas:
            replica.wait_ready()
        haproxy.start()
        for replica in replicas:
            haproxy.wait_status(replica.name, "UP")
        first, second, third = replicas
        steps = [
            ("requests are spread over the replicas", lambda: spread(haproxy, replicas)),
            (f"SIGTERM {first.name} under load", lambda: drain(haproxy, first)),
            (f"{first.name} comes back", lambda: come_back(haproxy, first)),
            (f"SIGKILL {second.name} under load", lambda: kill(haproxy, second)),
            (f"{second.name} comes back", lambda: come_back(haproxy, second)),
            (f"{third.name}'s queue is full", lambda: queue_full(haproxy, third)),
        ]
        for title, step in steps:
            step_started = time.monotonic()
            print(f"{title}:", flush=True)
            step()
            figure(f"passed in {time.monotonic() - step_started:.1f} s")
        totals = {replica.name: replica.stylized() for replica in replicas}
        sent = {name: int(row["stot"]) for name, row in haproxy.servers().items()}
        figure(f"stylized per replica since its last start (/metrics): {totals}; sent per server (HAProxy): {sent}")
        passed = True
    except AssertionError as error:
        print(f"FAILED: {error}", file=sys.stderr)
    finally:
        haproxy.stop()
        for replica in replicas:
            replica.stop()
        logs = [haproxy.log_path] + [replica.log_path for replica in replicas]
        if passed:
            for path in logs:
                if path:
                    os.remove(path)
        else:
            print("logs kept: " + ", ".join(path for path in logs if path), file=sys.stderr)
    if passed:
        print(f"all passed in {time.monotonic() - started:.0f} s")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
