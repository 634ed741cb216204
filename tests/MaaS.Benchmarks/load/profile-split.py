#!/usr/bin/env python3
"""Splits a `perf script` of the gateway into the parts of a request, in microseconds of CPU per request.

Usage: profile-split.py NAME=US:FILE... (FILE: a `perf script` output; US: the gateway's CPU us per request measured
over the same load; one column per NAME, in the order given)
A sample of a thread named in THREADS (the SQLite writer) is that thread's, whatever its frames (unwinding through
SQLite and libc mostly stops short of a managed frame); any other sample goes to the innermost frame of its stack that names a part (the table below, first match wins per frame);
runtime and kernel frames name none, so an allocation or a GC it triggers counts for the part that called it, except
libc's socket calls, which are the transport's whoever made them. A stack in which no frame names a part (native
frames only: unwinding stops at most libc calls) goes to its library or libc call (JIT, thread parking, GC and
runtime), else to "unattributed". Shares are scaled to the measured CPU per request, so each column adds up to it. Prints a Markdown
table: one row per part, us per request for each load, and the first load's minus the second's. Used by profile.sh.
"""
import re
import sys
from collections import Counter

# Threads whose every sample is one part, by perf's thread name (comm, cut to 15 characters by the kernel).
THREADS = [
    ("SQLite writer thread (inserts, commit, WAL writes, fsync, checkpoints)", r"^maas-sqlite-wri"),
]
# Order matters within a frame: the first pattern that matches a frame's symbol names its part.
PARTS = [
    ("logging (Serilog, request log)", r"Serilog|InferenceLogContext|LoggingExtensions"),
    ("metrics (model metrics, Prometheus, meters)", r"ModelMetrics|ModelStatistics|Prometheus|System\.Diagnostics\.Metrics|HostingMetrics|KestrelMetrics"),
    ("admission (middleware, filter, budget, queue)", r"MaaS\.Services\.Admission|Security\.Admission|System\.Threading\.RateLimiting"),
    ("ONNX Runtime (OrtValue, Run, outputs)", r"OnnxModel|Microsoft\.ML\.OnnxRuntime|libonnxruntime"),
    ("batcher (queue, merge, split)", r"DynamicBatcher|BatchExecution|TensorBatching|System\.Threading\.Channels|SharedTimeout"),
    ("model call (lease, validation, breaker)", r"MaaS\.Models\.Inference|MaaS\.Models\.Registry|MaaS\.Services\.Market|Polly"),
    ("answer (encode, serialise, write)", r"JsonAnswerBuffer|V2Json|V2InferCall::Encode|V2InferResponse|TensorDataJsonConverter|Utf8JsonWriter|JsonSerializer::Serialize|JsonTypeInfo.*Serialize|JsonConverter.*Write|HttpResultsHelper|PingResponse"),
    ("body read and decode", r"V2InferHttpBody|V2InferBodyReader|V2InferInputConverter|V2JsonTensorReader|V2InferCall::Decode|V2TensorCodec|V2NullCheck|V2OutputEncoding|JsonBody|Body`1|Utf8JsonReader|JsonSerializer::Deserialize|JsonTypeInfo.*Deserialize|JsonConverter.*Read|V2InferBody"),
    # A decide's own work where no library frame below it names a part: the rules, the policy's scores, the log row's
    # text, the recent-decisions cache, the decision id (its body read is Utf8JsonReader's, under "body read").
    ("agents: rules, policy, log row, recent decisions", r"MaaS\.Services\.Agents|MaaS\.Agents\."),
    ("handler and endpoint filters", r"InferEndpoints|PingEndpoints|RequestDelegateFactory|EndpointFilter|Http\.Generated|RouteHandler|Results`|TypedResults"),
    ("routing", r"Microsoft\.AspNetCore\.Routing"),
    ("auth, rate limiter, timeouts, headers, errors", r"Microsoft\.AspNetCore\.Authentication|Microsoft\.AspNetCore\.Authorization|Microsoft\.AspNetCore\.RateLimiting|ApiKey|HardeningExtensions|Microsoft\.AspNetCore\.Http\.Timeouts|RequestTimeouts|ExceptionHandler|StatusCodePages|SecurityExtensions|Tenancy|HttpTenantContext"),
    ("traffic ring, hot-path check", r"TrafficRecording|TrafficRing|InferenceHotPath|MetricsExtensions|UseWhen|MapWhen"),
    ("gRPC service and protobuf", r"MaaS\.Grpc|Grpc\.AspNetCore|Grpc\.Core|Google\.Protobuf|GatewayGrpcHost"),
    ("Kestrel HTTP/1.1 and HTTP/2", r"Microsoft\.AspNetCore\.Server\.Kestrel\.Core|Http1Connection|Http2"),
    ("hosting, HttpContext, middleware chain", r"Microsoft\.AspNetCore\.Hosting|Microsoft\.AspNetCore\.Http|Microsoft\.AspNetCore\.Builder|Microsoft\.Extensions"),
    # libc's send, recv and epoll_wait end the unwinding (no frame pointers past them): the kernel's socket work.
    ("sockets and pipelines (kernel sends and receives)", r"System\.Net\.Sockets|System\.IO\.Pipelines|Kestrel\.Transport|SocketAsyncEngine|__send|__libc_recv|epoll_wait|sendmsg|recvmsg"),
    ("thread pool, tasks, async machinery", r"System\.Threading|System\.Runtime\.CompilerServices|AsyncTaskMethodBuilder|ThreadPool"),
]
# Stacks in which no frame names a part: native frames only, mostly because unwinding stops at a libc call.
FALLBACK = [
    ("JIT compiler (tiering still at work)", r"libclrjit"),
    ("thread parking and spinning (futex, sched_yield)", r"__sched_yield|futex|lll_lock|pthread_cond|clock_nanosleep"),
    ("GC and runtime without a managed caller", r"libcoreclr|pthread_kill"),
]
COMPILED_THREADS = [(name, re.compile(pattern)) for name, pattern in THREADS]
COMPILED = [(name, re.compile(pattern)) for name, pattern in PARTS]
COMPILED_FALLBACK = [(name, re.compile(pattern)) for name, pattern in FALLBACK]
UNATTRIBUTED = "unattributed (no frame names a part)"


def name_of(text):
    """A managed frame's declaring type and method (perf-PID.map: "return-type [assembly] Namespace.Type::Method(args)"),
    so that a parameter's or return type's namespace does not name the part; a native frame as it is, with its dso, so
    code without symbols is still known by its library."""
    if "::" not in text:
        return text
    head, tail = text.split("::", 1)
    return head.split(" ")[-1] + "::" + tail.split("(", 1)[0]


def frames(lines):
    """Yields each sample's thread name and frame symbols, innermost first."""
    stack, thread = [], ""
    for line in lines:
        if not line.strip():
            if stack:
                yield thread, stack
            stack, thread = [], ""
            continue
        if line[0] not in " \t":
            # The sample's header: "comm pid/tid time: period event:"; comm may hold spaces, so take what is before the pid.
            thread = re.split(r"\s+\d+(?:/\d+)?\s", line, maxsplit=1)[0].strip()
            continue
        if line[0] in " \t":
            # "\t    7f00deadbeef symbol+0x1f (dso)": the symbol is everything between the address and the dso.
            text = line.strip()
            parts = text.split(" ", 1)
            stack.append(name_of(parts[1] if len(parts) > 1 else ""))
    if stack:
        yield thread, stack


def part_of(thread, stack):
    for name, pattern in COMPILED_THREADS:
        if pattern.search(thread):
            return name
    for table in (COMPILED, COMPILED_FALLBACK):
        for symbol in stack:
            for name, pattern in table:
                if pattern.search(symbol):
                    return name
    return UNATTRIBUTED


def main():
    columns = []
    for arg in sys.argv[1:]:
        name, rest = arg.split("=", 1)
        per_request, path = rest.split(":", 1)
        with open(path, encoding="utf-8", errors="replace") as f:
            counts = Counter(part_of(thread, stack) for thread, stack in frames(f))
        columns.append((name, float(per_request), counts, sum(counts.values()) or 1))
    order = [name for name, _ in THREADS] + [name for name, _ in PARTS] + [name for name, _ in FALLBACK] + [UNATTRIBUTED]
    header = [c[0] + " us/req" for c in columns] + (["difference"] if len(columns) > 1 else [])
    print("| part | " + " | ".join(header) + " |")
    print("| --- | " + " | ".join("---:" for _ in header) + " |")
    for part in order:
        values = [per * counts.get(part, 0) / total for _, per, counts, total in columns]
        cells = [f"{v:.1f}" for v in values] + ([f"{values[0] - values[1]:+.1f}"] if len(values) > 1 else [])
        print(f"| {part} | " + " | ".join(cells) + " |")
    totals = [per for _, per, _, _ in columns]
    cells = [f"**{t:.1f}**" for t in totals] + ([f"**{totals[0] - totals[1]:+.1f}**"] if len(totals) > 1 else [])
    print("| **total (measured)** | " + " | ".join(cells) + " |")
    print("| samples | " + " | ".join(str(total) for _, _, _, total in columns) + (" | |" if len(columns) > 1 else " |"))


if __name__ == "__main__":
    main()
