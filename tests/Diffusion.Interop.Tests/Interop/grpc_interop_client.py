"""Calls a gRPC server with Debian's python3-grpcio, one scenario per run.

Usage: grpc_interop_client.py <stubs-dir> <host:port> <scenario>
Prints one line "RESULT <json>" describing what the real gRPC stack saw.
The messages come from test_pb2 (Debian protoc --python_out); calls use grpc's generic
multi-callables, so no grpc_tools plugin is needed.
"""
import json
import sys
import time

import grpc

sys.path.insert(0, sys.argv[1])
import test_pb2  # noqa: E402

ADDRESS = sys.argv[2]
SCENARIO = sys.argv[3]
SERVICE = "/diffusion.testing.v1.TestService/"


def unary_callable(channel):
    return channel.unary_unary(
        SERVICE + "Unary",
        request_serializer=test_pb2.EchoRequest.SerializeToString,
        response_deserializer=test_pb2.EchoReply.FromString,
    )


def stream_callable(channel):
    return channel.unary_stream(
        SERVICE + "ServerStream",
        request_serializer=test_pb2.EchoRequest.SerializeToString,
        response_deserializer=test_pb2.EchoReply.FromString,
    )


def error_result(error):
    return {"code": error.code().value[0], "details": error.details()}


def main():
    result = {}
    with grpc.insecure_channel(ADDRESS) as channel:
        try:
            if SCENARIO == "unary":
                reply, call = unary_callable(channel).with_call(
                    test_pb2.EchoRequest(message="héllo from python", payload=b"\x00\x01\xff"),
                    timeout=30,
                    metadata=[("x-tenant", "acme"), ("x-blob-bin", b"\x00\xc8\xff\x01")],
                )
                trailers = {k: (v.hex() if isinstance(v, bytes) else v) for k, v in call.trailing_metadata() or []}
                result = {
                    "code": 0,
                    "message": reply.message,
                    "payload": reply.payload.hex(),
                    "tenant": reply.request_headers.get("x-tenant", ""),
                    "binary_header": reply.binary_header.hex(),
                    "deadline_ms_from_now": reply.deadline_unix_ms - int(time.time() * 1000),
                    "trailers": trailers,
                }
            elif SCENARIO == "metadata":
                reply, call = unary_callable(channel).with_call(test_pb2.EchoRequest(echo_metadata=True), timeout=30)
                headers = dict(call.initial_metadata() or [])
                trailers = dict(call.trailing_metadata() or [])
                result = {
                    "code": 0,
                    "header": headers.get("echo-header", ""),
                    "trailer": trailers.get("echo-trailer", ""),
                    "trailer_bin": trailers.get("echo-trailer-bin", b"").hex(),
                }
            elif SCENARIO == "stream":
                replies = list(stream_callable(channel)(test_pb2.EchoRequest(message="s", count=5), timeout=30))
                result = {"code": 0, "indexes": [r.index for r in replies]}
            elif SCENARIO == "error":
                unary_callable(channel)(
                    test_pb2.EchoRequest(fail_code=3, fail_message="draws[0].tpp: must be ≥ 0 — 100% 出口"), timeout=30)
                result = {"code": 0}
            elif SCENARIO == "deadline":
                started = time.monotonic()
                try:
                    unary_callable(channel)(test_pb2.EchoRequest(delay_ms=5000), timeout=0.5)
                    result = {"code": 0}
                except grpc.RpcError as error:
                    result = error_result(error)
                result["elapsed_ms"] = int((time.monotonic() - started) * 1000)
            elif SCENARIO == "unimplemented":
                channel.unary_unary(SERVICE + "NoSuchMethod")(b"", timeout=30)
                result = {"code": 0}
            else:
                raise SystemExit("unknown scenario " + SCENARIO)
        except grpc.RpcError as error:
            result = error_result(error)
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
