"""A diffusion.testing.v1.TestService server on Debian's python3-grpcio, for Grpc.Net.Client to call.

Usage: grpc_interop_server.py <stubs-dir>
Listens on 127.0.0.1 on a free port and prints "PORT <n>"; runs until killed.
"""
import sys
import time
from concurrent import futures

import grpc

sys.path.insert(0, sys.argv[1])
import test_pb2  # noqa: E402

CODES = {code.value[0]: code for code in grpc.StatusCode}


def behave(request, context):
    if request.delay_ms:
        end = time.monotonic() + request.delay_ms / 1000
        while time.monotonic() < end and context.is_active():
            time.sleep(0.01)
    if request.fail_code:
        context.abort(CODES[request.fail_code], request.fail_message)


def reply(request, context, index):
    # Without a deadline grpcio reports an enormous time remaining rather than None.
    remaining = context.time_remaining()
    deadline = 0 if remaining is None or remaining > 10 ** 7 else int((time.time() + remaining) * 1000)
    headers = {k: v for k, v in context.invocation_metadata() if not k.endswith("-bin")}
    binary = next((v for k, v in context.invocation_metadata() if k.endswith("-bin")), b"")
    return test_pb2.EchoReply(
        message=request.message, payload=request.payload, index=index,
        request_headers=headers, binary_header=binary, deadline_unix_ms=deadline)


def unary(request, context):
    behave(request, context)
    if request.echo_metadata:
        context.send_initial_metadata([("echo-header", "header-value")])
        context.set_trailing_metadata([("echo-trailer", "trailer-value"), ("echo-trailer-bin", b"\x00\x01\x02\xff")])
    return reply(request, context, 0)


def server_stream(request, context):
    for index in range(request.count):
        yield reply(request, context, index)
    if request.fail_code:
        context.abort(CODES[request.fail_code], request.fail_message)


def main():
    handler = grpc.method_handlers_generic_handler("diffusion.testing.v1.TestService", {
        "Unary": grpc.unary_unary_rpc_method_handler(
            unary, request_deserializer=test_pb2.EchoRequest.FromString,
            response_serializer=test_pb2.EchoReply.SerializeToString),
        "ServerStream": grpc.unary_stream_rpc_method_handler(
            server_stream, request_deserializer=test_pb2.EchoRequest.FromString,
            response_serializer=test_pb2.EchoReply.SerializeToString),
    })
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8), handlers=[handler])
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(f"PORT {port}", flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    main()
