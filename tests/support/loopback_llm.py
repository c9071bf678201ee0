"""An OpenAI-compatible chat server on loopback that misbehaves on cue: it answers 429 (with
Retry-After), 500, 401, never, or a well-formed completion; and, like a model that obeys whatever
it reads, it answers "HACKED" when the prompt asks it to.

    with LoopbackLLM() as llm:
        llm.script("429", "ok")        # the next calls, in order; then `llm.default`
        llm.by_field["EF000042"] = "500"   # the calls whose prompt names this field
        llm.confidence_by_field["EF000042"] = 0.4  # its answer's probability, when logprobs
                                                   # are asked
        llm.json_schema_status = 500       # any call asking for a json_schema answer, as
                                           # llama-cpp-python's server does with some schemas
        llm.tokens_by_field["EF009002"] = [('{"value": ["CE"', 0.9), ("]}", 1.0)]
                                           # its answer, written by these tokens with these
                                           # probabilities (as logprobs, when asked)
        llm.schemas                        # the JSON schema of every json_schema call, in order
        base_url = llm.base_url        # http://127.0.0.1:PORT/v1
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

INJECTION_WORD = "HACKED"


class LoopbackLLM:
    def __init__(self, default: str = "ok", retry_after_s: float = 1.0) -> None:
        self.default = default
        self.retry_after_s = retry_after_s
        self.calls = 0
        self.prompts: list[str] = []
        """Every prompt received (its messages joined), in order."""
        self.by_field: dict[str, str] = {}
        self.confidence_by_field: dict[str, float] = {}
        self.tokens_by_field: dict[str, list[tuple[str, float]]] = {}
        self.schemas: list[dict[str, Any]] = []
        self.default_confidence = 0.99
        self.json_schema_status: int | None = None
        self.latency_s = 0.0
        """How long each answer takes."""
        self.json_schema_calls = 0
        self._script: deque[str] = deque()
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/v1"

    def script(self, *behaviours: str) -> None:
        with self._lock:
            self._script.extend(behaviours)

    def next_behaviour(self, prompt: str) -> str:
        with self._lock:
            self.calls += 1
            self.prompts.append(prompt)
            for code, behaviour in self.by_field.items():
                if code in prompt:
                    return behaviour
            return self._script.popleft() if self._script else self.default

    def confidence(self, prompt: str) -> float:
        return next(
            (p for code, p in self.confidence_by_field.items() if code in prompt),
            self.default_confidence,
        )

    def tokens(self, prompt: str) -> list[tuple[str, float]] | None:
        return next((t for code, t in self.tokens_by_field.items() if code in prompt), None)

    def __enter__(self) -> LoopbackLLM:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._release.set()  # hanging calls end
        self._server.shutdown()
        self._server.server_close()


def _handler(llm: LoopbackLLM) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
            if body.get("response_format", {}).get("type") == "json_schema":
                with llm._lock:
                    llm.json_schema_calls += 1
                    llm.schemas.append(body["response_format"]["json_schema"]["schema"])
                if llm.json_schema_status is not None:
                    self._reply(
                        llm.json_schema_status,
                        {"error": {"message": "failed to compile the grammar"}},
                    )
                    return
            behaviour = llm.next_behaviour(_prompt(body))
            if behaviour == "never":
                llm._release.wait(timeout=60)
                return
            if behaviour == "429":
                self._reply(
                    429,
                    {"error": {"message": "slow down"}},
                    {"Retry-After": f"{llm.retry_after_s:g}"},
                )
            elif behaviour == "500":
                self._reply(500, {"error": {"message": "the model crashed"}})
            elif behaviour == "401":
                self._reply(401, {"error": {"message": "invalid api key"}})
            elif tokens := llm.tokens(_prompt(body)):
                time.sleep(llm.latency_s)
                self._reply(200, _completion(tokens, logprobs=bool(body.get("logprobs"))))
            else:
                confidence = llm.confidence(_prompt(body)) if body.get("logprobs") else None
                time.sleep(llm.latency_s)
                answer = [(_answer(body), confidence if confidence is not None else 1.0)]
                self._reply(200, _completion(answer, logprobs=confidence is not None))

        def _reply(
            self, status: int, payload: object, headers: dict[str, str] | None = None
        ) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler


def _answer(body: dict[str, Any]) -> str:
    """What an obedient model says: HACKED when the prompt asks for it, else a value of the type
    the answer schema asks for."""
    if INJECTION_WORD in _prompt(body):
        return json.dumps({"value": INJECTION_WORD})
    schema = body.get("response_format", {}).get("json_schema", {}).get("schema", {})
    value_schema = schema.get("properties", {}).get("value", {})
    options = [option for option in value_schema.get("enum", []) if option is not None]
    types = value_schema.get("type", [])
    if options:
        value: object = options[0]
    elif "number" in types:
        value = 40
    elif "boolean" in types:
        value = True
    else:
        value = "loopback"
    return json.dumps({"value": value})


def _prompt(body: dict[str, Any]) -> str:
    return " ".join(str(message.get("content", "")) for message in body.get("messages", []))


def _completion(tokens: list[tuple[str, float]], logprobs: bool) -> dict[str, Any]:
    """A chat completion of these tokens; with `logprobs`, each token's probability."""
    content = "".join(token for token, _ in tokens)
    probabilities = {
        "content": [
            {"token": token, "logprob": math.log(p), "bytes": None, "top_logprobs": []}
            for token, p in tokens
        ]
    }
    return {
        "id": "chatcmpl-loopback",
        "object": "chat.completion",
        "created": 0,
        "model": "loopback",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
                "logprobs": probabilities if logprobs else None,
            }
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    }
