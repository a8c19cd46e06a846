#!/usr/bin/env python3
"""Where a process's busy time goes, from a dotnet-trace sampled thread-time trace converted to speedscope.

    dotnet-trace collect -p <pid> --profile dotnet-sampled-thread-time --duration 00:00:00:30 -o run.nettrace
    dotnet-trace convert run.nettrace --format Speedscope -o run      # writes run.speedscope.json
    python3 benchmarks/trace-breakdown.py run.speedscope.json

dotnet-trace samples every thread about 100 times a second. A sample whose innermost frame is CPU_TIME was in managed
code (running, or runnable and waiting for a core); UNMANAGED_CODE_TIME is native code, counted as busy only when the
frames just above it are not a wait (a blocked thread is not work). Each busy sample is charged to the innermost frame
that belongs to a known component, so the shares add up to 100 % and say which library's code the threads were in,
not who called it (logging called by HttpClient counts as logging). Used for docs/benchmarks.md.
"""
import collections
import json
import sys

# Frames that mean "this thread is waiting", not working.
WAITS = ('WaitHandle.Wait', 'LowLevelLifoSemaphore', 'Monitor.Wait', 'SocketAsyncEngine.EventLoop', 'ManualResetEventSlim.Wait',
         'Thread.Sleep', 'WaitForSignal', 'RunWorkLoop', 'ProcessLogQueue', 'TryDequeue', 'DrainEntries', 'Thread.Join',
         'SemaphoreSlim.Wait', 'WaitOne', 'GateThread', 'TimerQueue', 'ProcessBacklog', 'WaitCore', 'SpinWait', 'WaitForEvent',
         'WaitForSocketEvents', 'WaitMultiple', 'WaitIdle')

# (component, substrings of a frame's "Module!Type.Method"), innermost match wins, checked in this order per frame.
COMPONENTS = [
    ('logging (console provider, HttpClient request logs, formatting)', ('Microsoft.Extensions.Logging', 'Microsoft.Extensions.Http.Logging')),
    ('JWT validation (IdentityModel, JwtBearer, RSA)', ('Microsoft.IdentityModel', 'JwtBearer', 'System.IdentityModel', 'System.Security.Cryptography')),
    ('OpenTelemetry / Activity', ('OpenTelemetry', 'System.Diagnostics.DiagnosticSource')),
    ('Npgsql (ledger, audit trail)', ('Npgsql',)),
    ('StackExchange.Redis', ('StackExchange.Redis', 'Pipelines.Sockets')),
    ('protobuf (de)serialisation', ('Google.Protobuf',)),
    ('Diffusion.Rules (decision rules, classification)', ('Diffusion.Rules!',)),
    ('Diffusion services (own code)', ('Diffusion.Decisions!', 'Diffusion.Classification!', 'Diffusion.Quota!', 'Diffusion.EndUsers!',
                                      'Diffusion.ModelWeights!', 'Diffusion.ServiceDefaults!', 'Diffusion.Contracts!', 'Diffusion.Storage!')),
    ('benchmark client loop', ('Diffusion.Benchmarks!', 'Diffusion.Testing!', 'Diffusion.WireCheck!')),
    ('gRPC (Grpc.AspNetCore server, Grpc.Net.Client)', ('Grpc.AspNetCore', 'Grpc.Net.Client', 'Grpc.Core')),
    ('HTTP/2 transport (Kestrel, HttpClient, sockets)', ('Kestrel', 'System.Net.Http!', 'System.Net.Sockets', 'System.Net.Primitives',
                                                         'System.IO.Pipelines', 'Microsoft.AspNetCore')),
    ('dependency injection', ('Microsoft.Extensions.DependencyInjection',)),
]
RUNTIME = 'runtime (thread pool, GC, async machinery)'


def stacks_of(path):
    """Time per distinct stack (tuple of frame names, outermost first) from a speedscope file of evented profiles."""
    doc = json.load(open(path))
    frames = [f['name'] for f in doc['shared']['frames']]
    times = collections.Counter()
    for profile in doc['profiles']:
        stack, last = [], None
        for event in profile['events']:
            at = event['at']
            if last is not None and stack and at > last:
                times[tuple(frames[i] for i in stack)] += at - last
            last = at
            if event['type'] == 'O':
                stack.append(event['frame'])
            elif event['frame'] in stack:
                del stack[stack.index(event['frame']):]
    return times


def component(names):
    for name in reversed(names[:-1]):
        for label, keys in COMPONENTS:
            if any(k in name for k in keys):
                return label
    return None


def main(path):
    busy, managed = collections.Counter(), collections.Counter()
    for names, ms in stacks_of(path).items():
        leaf = names[-1]
        if leaf == 'UNMANAGED_CODE_TIME' and any(k in n for n in names[-4:-1] for k in WAITS):
            continue
        if leaf not in ('CPU_TIME', 'UNMANAGED_CODE_TIME'):
            continue
        label = component(names)
        if label is None:
            if leaf == 'UNMANAGED_CODE_TIME':
                continue  # a native thread with no frame of a known component: the runtime's idle loops
            label = RUNTIME
        busy[label] += ms
        if leaf == 'CPU_TIME':
            managed[label] += ms
    total, total_managed = sum(busy.values()), max(sum(managed.values()), 1)
    print(f'busy samples: {total / 1000:.1f} thread-s ({sum(managed.values()) / 1000:.1f} s in managed code)')
    print('| innermost known component | share of busy samples | share of managed-code samples |\n|---|---:|---:|')
    for label, ms in busy.most_common():
        print(f'| {label} | {ms / total * 100:.1f} % | {managed[label] / total_managed * 100:.1f} % |')


if __name__ == '__main__':
    main(sys.argv[1])
