"""What the hostile tests stand on: a `sanet serve` to attack, raw HTTP over loopback sockets,
a /healthz prober in a process of its own, and the service's memory from /proc.

Everything talks to 127.0.0.1 only.
"""
import json
import math
import multiprocessing
import os
import select
import signal
import socket
import subprocess
import tempfile
import time
import uuid

HOST = "127.0.0.1"
REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
INPUTS = os.path.join(REPOSITORY, "Tests", "Reference", "inputs")
MB = 1 << 20


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def default_binary():
    path = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=REPOSITORY, check=True,
                          capture_output=True, text=True).stdout.strip()
    return os.path.join(path, "sanet")


def read_input(name):
    with open(os.path.join(INPUTS, name), "rb") as file:
        return file.read()


# HTTP ---------------------------------------------------------------------------------------

class Response:
    def __init__(self, status, reason, headers, body, elapsed, closed):
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body
        self.elapsed = elapsed
        #: whether the server closed the connection after the response
        self.closed = closed

    def header(self, name):
        return self.headers.get(name.lower())

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        return f"<{self.status} {len(self.body)} bytes in {self.elapsed:.2f} s>"


class NoResponse(Exception):
    """The connection ended, or the time ran out, before a whole response head arrived."""


def _recv(sock, deadline):
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError
    ready, _, _ = select.select([sock], [], [], remaining)
    if not ready:
        raise TimeoutError
    try:
        return sock.recv(1 << 16)
    except (ConnectionResetError, BrokenPipeError):
        return b""


def read_response(sock, deadline, started, wait_for_close=False):
    """Reads one response (Content-Length, chunked, or to EOF); with `wait_for_close`, then
    waits for the end of the connection until the deadline and reports whether it came."""
    buffer = b""
    while b"\r\n\r\n" not in buffer:
        try:
            data = _recv(sock, deadline)
        except TimeoutError:
            raise NoResponse(f"no response head after {time.monotonic() - started:.1f} s"
                             f" ({len(buffer)} bytes)") from None
        if not data:
            raise NoResponse(f"connection closed without a response after {time.monotonic() - started:.1f} s"
                             f" ({len(buffer)} bytes)")
        buffer += data
    head, rest = buffer.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    status = int(parts[1])
    reason = parts[2] if len(parts) > 2 else ""
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    closed = False
    body = bytearray(rest)

    def more():
        nonlocal closed
        try:
            data = _recv(sock, deadline)
        except TimeoutError:
            raise NoResponse(f"response body incomplete after {time.monotonic() - started:.1f} s") from None
        if not data:
            closed = True
        return data

    if "content-length" in headers:
        length = int(headers["content-length"])
        while len(body) < length:
            data = more()
            if not data:
                break
            body += data
        extra, body = body[length:], body[:length]
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        decoded = bytearray()
        while True:
            while b"\r\n" not in body:
                data = more()
                if not data:
                    raise NoResponse("chunked body cut short")
                body += data
            size_line, _, body = bytes(body).partition(b"\r\n")
            body = bytearray(body)
            size = int(size_line.split(b";")[0], 16)
            while len(body) < size + 2:
                data = more()
                if not data:
                    raise NoResponse("chunked body cut short")
                body += data
            if size == 0:
                break
            decoded += body[:size]
            body = body[size + 2:]
        extra, body = b"", decoded
    else:
        while True:
            data = more()
            if not data:
                break
            body += data
        extra = b""
    elapsed = time.monotonic() - started
    if wait_for_close and not closed:
        try:
            while True:
                data = _recv(sock, deadline)
                if not data:
                    closed = True
                    break
        except TimeoutError:
            pass
    del extra
    return Response(status, reason, headers, bytes(body), elapsed, closed)


def request(port, data, timeout=30.0, wait_for_close=False):
    """Sends raw request bytes and reads the answer. A server that answers before the body is
    all sent (a limit decided from the head) is read at once; sending then stops."""
    started = time.monotonic()
    deadline = started + timeout
    sock = socket.create_connection((HOST, port), timeout=timeout)
    try:
        sock.setblocking(False)
        view = memoryview(data)
        sent = 0
        while sent < len(view):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise NoResponse(f"still sending after {timeout} s ({sent} of {len(view)} bytes)")
            readable, writable, _ = select.select([sock], [sock], [], remaining)
            if readable:
                break
            if writable:
                try:
                    sent += sock.send(view[sent:sent + (1 << 20)])
                except BlockingIOError:
                    pass
                except (BrokenPipeError, ConnectionResetError):
                    break
        return read_response(sock, deadline, started, wait_for_close)
    finally:
        sock.close()


def get(port, path, timeout=10.0, headers=""):
    return request(port, f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\n{headers}Connection: close\r\n\r\n".encode(),
                   timeout)


def multipart(parts, boundary=None):
    """parts: (name, filename or None, bytes); returns (content type, body)."""
    boundary = boundary or uuid.uuid4().hex
    chunks = []
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        chunks.append(f"--{boundary}\r\nContent-Disposition: {disposition}\r\n".encode())
        if filename:
            chunks.append(b"Content-Type: application/octet-stream\r\n")
        chunks += [b"\r\n", data, b"\r\n"]
    chunks.append(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", b"".join(chunks)


def stylize_request(parts, extra_headers=""):
    content_type, body = multipart(parts)
    head = (f"POST /v1/stylize HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\n{extra_headers}Connection: close\r\n\r\n").encode()
    return head + body


# The service --------------------------------------------------------------------------------

class ServiceError(Exception):
    pass


class Service:
    """A `sanet serve` of the test's own on a free loopback port, or (with `pid`) one already
    running that the test attaches to."""

    def __init__(self, binary=None, weights=None, args=(), port=None, pid=None):
        self.binary = binary
        self.weights = weights
        self.args = list(args)
        self.port = port
        self.pid = pid
        self.process = None
        self.log_path = None

    def start(self, ready_timeout=90.0):
        self.port = free_port()
        log = tempfile.NamedTemporaryFile(prefix="sanet-hostile-", suffix=".log", delete=False)
        self.log_path = log.name
        environment = dict(os.environ, SANET_WEIGHTS=self.weights, SANET_HOST=HOST, SANET_PORT=str(self.port))
        self.process = subprocess.Popen([self.binary, "serve", *self.args], env=environment,
                                        stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        log.close()
        self.pid = self.process.pid
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServiceError(f"`sanet serve {' '.join(self.args)}` exited {self.process.returncode}: "
                                   + self.log_tail(600))
            try:
                if get(self.port, "/readyz", timeout=2).status == 200:
                    return self
            except (OSError, NoResponse):
                pass
            time.sleep(0.1)
        self.stop()
        raise ServiceError(f"`sanet serve {' '.join(self.args)}` not ready after {ready_timeout:.0f} s")

    def log_tail(self, characters=2000):
        if not self.log_path:
            return ""
        with open(self.log_path, "rb") as file:
            return file.read().decode("utf-8", "replace")[-characters:].strip()

    def alive(self):
        if self.process is not None:
            return self.process.poll() is None
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        with open(f"/proc/{self.pid}/status") as status:
            return "\nState:\tZ" not in status.read()

    def exit_description(self):
        if self.process is not None and self.process.poll() is not None:
            code = self.process.returncode
            return f"killed by signal {-code}" if code < 0 else f"exited {code}"
        return "gone"

    def stop(self, hard=False):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGKILL if hard else signal.SIGTERM)
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def memory(self):
        """(VmRSS, VmHWM) in bytes."""
        values = {}
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                name, _, rest = line.partition(":")
                if name in ("VmRSS", "VmHWM"):
                    values[name] = int(rest.split()[0]) * 1024
        return values["VmRSS"], values["VmHWM"]

    def reset_peak(self):
        """Sets VmHWM back to the current RSS (Linux 4.0 and later), so a peak is the attack's own."""
        try:
            with open(f"/proc/{self.pid}/clear_refs", "w") as file:
                file.write("5")
            return True
        except OSError:
            return False

    def readyz(self):
        return get(self.port, "/readyz", timeout=5).json()

    def busy(self):
        return self.readyz()["workers"]["busy"]

    def wait_idle(self, timeout):
        """Seconds until /readyz shows no busy worker, or None if that did not happen in time."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            try:
                if self.busy() == 0:
                    return round(time.monotonic() - started, 2)
            except (OSError, NoResponse, ValueError, KeyError):
                pass
            time.sleep(0.05)
        return None


# The prober ---------------------------------------------------------------------------------

def _probe(port, interval, stop, results):
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    latencies, starts, statuses = [], [], {}
    while not stop.is_set():
        started = time.monotonic()
        starts.append(started)
        try:
            status = str(get(port, "/healthz", timeout=2.0).status)
        except (OSError, NoResponse) as error:
            status = type(error).__name__
        elapsed = time.monotonic() - started
        latencies.append(elapsed)
        statuses[status] = statuses.get(status, 0) + 1
        time.sleep(max(0.0, interval - elapsed))
    results.send((latencies, starts, statuses))
    results.close()


class Prober:
    """GET /healthz every `interval` seconds from a separate process, each on a new connection,
    recording the time from connecting to the whole response."""

    def __init__(self, port, interval=0.02):
        context = multiprocessing.get_context("fork")
        self.stop_event = context.Event()
        self.receiver, sender = context.Pipe(duplex=False)
        self.process = context.Process(target=_probe, args=(port, interval, self.stop_event, sender), daemon=True)
        self.latencies, self.starts, self.statuses = [], [], {}

    def start(self):
        self.process.start()
        return self

    def stop(self):
        self.stop_event.set()
        if self.receiver.poll(10):
            self.latencies, self.starts, self.statuses = self.receiver.recv()
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
        return self

    def percentile(self, fraction, window=None):
        """Of all probes, or of those that started within `window` (two time.monotonic() values,
        which is one clock for every process)."""
        latencies = self.latencies
        if window:
            latencies = [latency for latency, start in zip(self.latencies, self.starts)
                         if window[0] <= start <= window[1]]
        if not latencies:
            return math.inf
        ordered = sorted(latencies)
        return ordered[min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))]

    @property
    def p99(self):
        return self.percentile(0.99)

    def summary(self):
        return (f"healthz p50 {self.percentile(0.5) * 1000:.1f} ms p99 {self.p99 * 1000:.1f} ms "
                f"max {max(self.latencies, default=math.inf) * 1000:.1f} ms over {len(self.latencies)} probes "
                f"{dict(sorted(self.statuses.items()))}")


class Attack:
    """Around one attack: the service's memory before, a prober during, memory and health after."""

    def __init__(self, service, interval=0.02, minimum_seconds=1.0):
        self.service = service
        self.prober = Prober(service.port, interval)
        #: a short attack is probed this long from its start, so that its after-effects count too
        self.minimum_seconds = minimum_seconds

    def __enter__(self):
        self.service.reset_peak()
        self.rss_before, self.hwm_before = self.service.memory()
        self.prober.start()
        time.sleep(0.1)
        self.started = time.monotonic()
        return self

    def __exit__(self, *exc):
        self.seconds = time.monotonic() - self.started
        time.sleep(max(0.0, self.started + self.minimum_seconds - time.monotonic()))
        self.prober.stop()
        self.alive = self.service.alive()
        if self.alive:
            self.rss_after, self.hwm_after = self.service.memory()
        else:
            self.rss_after = self.hwm_after = self.rss_before
        return False

    @property
    def rss_growth(self):
        return self.rss_after - self.rss_before

    @property
    def peak_growth(self):
        return self.hwm_after - self.rss_before

    def summary(self):
        return (f"{self.prober.summary()}; RSS {self.rss_before / MB:.0f} -> {self.rss_after / MB:.0f} MiB, "
                f"peak +{self.peak_growth / MB:.0f} MiB; {self.seconds:.1f} s")
