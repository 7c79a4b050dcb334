"""Drives the Casefile mock provider servers with each provider's official Python SDK.

Run by tests/tests/mock_fidelity.rs:  python fidelity.py FAMILY
with MOCK_BASE_URL (the mock of that family), MOCK_REPLY, MOCK_INPUT_TOKENS, MOCK_OUTPUT_TOKENS and
the credentials in MOCK_* variables (see the Rust test). Prints one line per case:
"PASS name", "FAIL name: reason" or "SKIP name: reason". The Rust test asserts on these lines.
"""

import os
import sys
import traceback

BASE = os.environ["MOCK_BASE_URL"]
REPLY = os.environ["MOCK_REPLY"]
INPUT_TOKENS = int(os.environ["MOCK_INPUT_TOKENS"])
OUTPUT_TOKENS = int(os.environ["MOCK_OUTPUT_TOKENS"])
API_KEY = os.environ["MOCK_API_KEY"]
MESSAGES = [{"role": "user", "content": "When is the biometrics appointment?"}]

CASES = {}


def case(family):
    def register(function):
        CASES.setdefault(family, []).append(function)
        return function

    return register


class Skip(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def expect_equal(actual, expected, what):
    expect(actual == expected, f"{what}: got {actual!r}, expected {expected!r}")


def raises(exception_types, function):
    """Runs function; returns the exception it raised (one of exception_types), fails otherwise."""
    try:
        function()
    except exception_types as error:
        return error
    raise AssertionError(f"no {exception_types} was raised")


# ---------------------------------------------------------------- OpenAI


def openai_chat_text(client, model, **kwargs):
    """Streams a chat completion; returns (text, usage, finish reasons) as the SDK parsed them."""
    text, usage, finishes = "", None, []
    stream = client.chat.completions.create(
        model=model, messages=MESSAGES, stream=True, stream_options={"include_usage": True}, **kwargs
    )
    for chunk in stream:
        if chunk.usage is not None:
            usage = chunk.usage
        for choice in chunk.choices:
            # Azure annotation chunks carry a choice without any delta.
            delta = getattr(choice, "delta", None)
            if delta is not None and delta.content:
                text += delta.content
            if choice.finish_reason:
                finishes.append(choice.finish_reason)
    return text, usage, finishes


def check_chat(client, model):
    text, usage, finishes = openai_chat_text(client, model)
    expect_equal(text, REPLY, "text")
    expect_equal(finishes, ["stop"], "finish reasons")
    expect(usage is not None, "no usage chunk")
    expect_equal((usage.prompt_tokens, usage.completion_tokens), (INPUT_TOKENS, OUTPUT_TOKENS), "usage")


def check_responses(client, model):
    deltas = ""
    with client.responses.stream(model=model, input="When is the biometrics appointment?", store=False) as stream:
        for event in stream:
            if event.type == "response.output_text.delta":
                deltas += event.delta
        final = stream.get_final_response()
    expect_equal(deltas, REPLY, "streamed deltas")
    expect_equal(final.output_text, REPLY, "final output_text")
    expect_equal(final.status, "completed", "status")
    expect_equal((final.usage.input_tokens, final.usage.output_tokens), (INPUT_TOKENS, OUTPUT_TOKENS), "usage")


def openai_client(**kwargs):
    import openai

    return openai.OpenAI(api_key=API_KEY, base_url=BASE + "/v1", **kwargs)


@case("openai")
def openai_chat_stream():
    check_chat(openai_client(), "gpt-4.1-mini")


@case("openai")
def openai_responses_stream():
    check_responses(openai_client(), "gpt-4.1-mini")


@case("openai")
def openai_chat_midstream_error_raises():
    import openai

    error = raises(openai.APIError, lambda: openai_chat_text(openai_client(), "gpt-midstream-error"))
    expect("server had an error" in str(error), f"unexpected message {error}")


@case("openai")
def openai_responses_midstream_error_fails():
    events = []
    with openai_client().responses.stream(model="gpt-midstream-error", input="hi") as stream:
        try:
            for event in stream:
                events.append(event.type)
        except Exception as error:  # the helper may raise on the error event: also acceptable
            events.append(f"raised {type(error).__name__}")
    expect(any(e in ("error", "response.failed") or e.startswith("raised") for e in events), f"events {events}")
    expect("response.completed" not in events, "a failed stream completed")


@case("openai")
def openai_retries_after_rate_limit():
    # The SDK must honour retry-after-ms (50 ms) and succeed on the second attempt.
    check_chat(openai_client(max_retries=2), "gpt-rate-limited-once")


@case("openai")
def openai_wrong_key_is_authentication_error():
    import openai

    client = openai.OpenAI(api_key="sk-wrong-key-123456", base_url=BASE + "/v1", max_retries=0)
    error = raises(openai.AuthenticationError, lambda: openai_chat_text(client, "gpt-4.1-mini"))
    expect_equal(error.code, "invalid_api_key", "error code")


@case("openai")
def openai_quota_is_not_retried():
    import openai

    error = raises(openai.RateLimitError, lambda: openai_chat_text(openai_client(max_retries=0), "gpt-quota"))
    expect_equal(error.code, "insufficient_quota", "error code")


# ---------------------------------------------------------------- Azure


def azure_classic(**kwargs):
    import openai

    return openai.AzureOpenAI(azure_endpoint=BASE, api_version="2024-10-21", **kwargs)


@case("azure")
def azure_classic_api_key_stream():
    check_chat(azure_classic(api_key=API_KEY), "chat-deployment")


@case("azure")
def azure_v1_stream():
    import openai

    check_chat(openai.OpenAI(api_key=API_KEY, base_url=BASE + "/openai/v1/"), "chat-deployment")


@case("azure")
def azure_v1_responses_stream():
    import openai

    check_responses(openai.OpenAI(api_key=API_KEY, base_url=BASE + "/openai/v1/"), "chat-deployment")


@case("azure")
def azure_classic_entra_token_stream():
    import requests

    def token():
        answer = requests.post(
            f"{BASE}/{os.environ['MOCK_ENTRA_TENANT']}/oauth2/v2.0/token",
            data={
                "grant_type": "client_credentials",
                "client_id": os.environ["MOCK_ENTRA_CLIENT_ID"],
                "client_secret": os.environ["MOCK_ENTRA_CLIENT_SECRET"],
                "scope": "https://cognitiveservices.azure.com/.default",
            },
        )
        answer.raise_for_status()
        return answer.json()["access_token"]

    check_chat(azure_classic(azure_ad_token_provider=token), "chat-deployment")


@case("azure")
def azure_content_filter_finish_reason():
    _, _, finishes = openai_chat_text(azure_classic(api_key=API_KEY), "chat-content-filter")
    expect_equal(finishes, ["content_filter"], "finish reasons")


@case("azure")
def azure_missing_deployment_is_not_found():
    import openai

    client = azure_classic(api_key=API_KEY, max_retries=0)
    error = raises(openai.NotFoundError, lambda: openai_chat_text(client, "chat-not-found"))
    expect_equal(error.code, "DeploymentNotFound", "error code")


@case("azure")
def azure_wrong_key_is_authentication_error():
    import openai

    client = azure_classic(api_key="wrong", max_retries=0)
    raises(openai.AuthenticationError, lambda: openai_chat_text(client, "chat-deployment"))


# ---------------------------------------------------------------- Anthropic


def check_anthropic_stream(client, model, **kwargs):
    with client.messages.stream(model=model, max_tokens=800, messages=MESSAGES, **kwargs) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    expect_equal(text, REPLY, "text")
    expect_equal(final.stop_reason, "end_turn", "stop reason")
    expect_equal((final.usage.input_tokens, final.usage.output_tokens), (INPUT_TOKENS, OUTPUT_TOKENS), "usage")


def anthropic_client(**kwargs):
    import anthropic

    return anthropic.Anthropic(api_key=API_KEY, base_url=BASE, **kwargs)


@case("anthropic")
def anthropic_stream():
    check_anthropic_stream(anthropic_client(), "claude-sonnet-4-5")


@case("anthropic")
def anthropic_midstream_error_raises():
    import anthropic

    error = raises(
        anthropic.APIError, lambda: check_anthropic_stream(anthropic_client(), "claude-midstream-error")
    )
    expect("Overloaded" in str(error), f"unexpected message {error}")


@case("anthropic")
def anthropic_overloaded_is_529():
    import anthropic

    error = raises(
        anthropic.APIStatusError,
        lambda: check_anthropic_stream(anthropic_client(max_retries=0), "claude-overloaded"),
    )
    expect_equal(error.status_code, 529, "status")


@case("anthropic")
def anthropic_wrong_key_is_authentication_error():
    import anthropic

    client = anthropic.Anthropic(api_key="wrong", base_url=BASE, max_retries=0)
    raises(anthropic.AuthenticationError, lambda: check_anthropic_stream(client, "claude-sonnet-4-5"))


# ---------------------------------------------------------------- Bedrock

BEDROCK_MODEL = "us.anthropic.claude-3-5-haiku-20241022-v1:0"


def bedrock_client(secret=None, session_token=None, attempts=1):
    import boto3
    from botocore.config import Config

    return boto3.client(
        "bedrock-runtime",
        endpoint_url=BASE,
        region_name="us-east-1",
        aws_access_key_id=os.environ["MOCK_AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=secret or os.environ["MOCK_AWS_SECRET_ACCESS_KEY"],
        aws_session_token=session_token,
        config=Config(retries={"max_attempts": attempts, "mode": "standard"}),
    )


def bedrock_stream(client, model):
    text, stop, usage = "", None, None
    answer = client.converse_stream(
        modelId=model, messages=[{"role": "user", "content": [{"text": "When is the appointment?"}]}]
    )
    for event in answer["stream"]:
        if "contentBlockDelta" in event:
            text += event["contentBlockDelta"]["delta"]["text"]
        elif "messageStop" in event:
            stop = event["messageStop"]["stopReason"]
        elif "metadata" in event:
            usage = event["metadata"]["usage"]
    return text, stop, usage


def check_bedrock_stream(client, model=BEDROCK_MODEL):
    text, stop, usage = bedrock_stream(client, model)
    expect_equal(text, REPLY, "text")
    expect_equal(stop, "end_turn", "stop reason")
    expect_equal((usage["inputTokens"], usage["outputTokens"]), (INPUT_TOKENS, OUTPUT_TOKENS), "usage")


@case("bedrock")
def bedrock_converse_stream_sigv4():
    check_bedrock_stream(bedrock_client())


@case("bedrock")
def bedrock_converse_stream_sigv4_session_token():
    check_bedrock_stream(bedrock_client(session_token=os.environ["MOCK_AWS_SESSION_TOKEN"]))


@case("bedrock")
def bedrock_converse_sigv4():
    answer = bedrock_client().converse(
        modelId=BEDROCK_MODEL, messages=[{"role": "user", "content": [{"text": "When?"}]}]
    )
    expect_equal(answer["output"]["message"]["content"][0]["text"], REPLY, "text")
    expect_equal(answer["usage"]["outputTokens"], OUTPUT_TOKENS, "output tokens")


@case("bedrock")
def bedrock_converse_stream_api_key():
    from botocore.exceptions import InvalidEndpointConfigurationError

    # botocore uses Bearer auth for Bedrock when AWS_BEARER_TOKEN_BEDROCK is set, but only over
    # HTTPS (botocore/auth.py), and the mocks are plain HTTP on loopback; tests/mock_providers.rs
    # covers Bearer keys with plain requests.
    os.environ["AWS_BEARER_TOKEN_BEDROCK"] = os.environ["MOCK_BEDROCK_API_KEY"]
    try:
        check_bedrock_stream(bedrock_client())
    except InvalidEndpointConfigurationError as error:
        raise Skip(f"botocore refuses Bearer auth to a plain-HTTP endpoint ({error})")
    finally:
        del os.environ["AWS_BEARER_TOKEN_BEDROCK"]


@case("bedrock")
def bedrock_wrong_secret_is_invalid_signature():
    from botocore.exceptions import ClientError

    error = raises(ClientError, lambda: bedrock_stream(bedrock_client(secret="not-the-secret"), BEDROCK_MODEL))
    expect_equal(error.response["Error"]["Code"], "InvalidSignatureException", "error code")


@case("bedrock")
def bedrock_throttling_is_client_error():
    from botocore.exceptions import ClientError

    error = raises(ClientError, lambda: bedrock_stream(bedrock_client(), "anthropic.claude-rate-limited"))
    expect_equal(error.response["Error"]["Code"], "ThrottlingException", "error code")


@case("bedrock")
def bedrock_midstream_exception_raises():
    from botocore.exceptions import EventStreamError

    error = raises(EventStreamError, lambda: bedrock_stream(bedrock_client(), "anthropic.claude-midstream-error"))
    expect_equal(error.response["Error"]["Code"], "modelStreamErrorException", "error code")


@case("bedrock")
def bedrock_openai_route_api_key():
    import openai

    client = openai.OpenAI(api_key=os.environ["MOCK_BEDROCK_API_KEY"], base_url=BASE + "/openai/v1")
    check_chat(client, "openai.gpt-oss-120b-1:0")


# ---------------------------------------------------------------- Vertex

LOCATION = "us-central1"


def service_account_credentials():
    from google.oauth2 import service_account

    return service_account.Credentials.from_service_account_file(
        os.environ["MOCK_SERVICE_ACCOUNT_JSON"], scopes=["https://www.googleapis.com/auth/cloud-platform"]
    )


def genai_client():
    from google import genai
    from google.genai import types

    return genai.Client(
        vertexai=True,
        project=os.environ["MOCK_GCP_PROJECT"],
        location=LOCATION,
        credentials=service_account_credentials(),
        http_options=types.HttpOptions(base_url=BASE, retry_options=types.HttpRetryOptions(attempts=1)),
    )


def gemini_stream(model):
    text, last = "", None
    client = genai_client()  # kept alive while streaming: the SDK closes its HTTP client on collection
    for chunk in client.models.generate_content_stream(
        model=model, contents="When is the biometrics appointment?"
    ):
        text += chunk.text or ""
        last = chunk
    return text, last


@case("vertex")
def vertex_gemini_stream():
    text, last = gemini_stream("gemini-2.5-flash")
    expect_equal(text, REPLY, "text")
    expect_equal(last.candidates[0].finish_reason.value, "STOP", "finish reason")
    usage = last.usage_metadata
    expect_equal((usage.prompt_token_count, usage.candidates_token_count), (INPUT_TOKENS, OUTPUT_TOKENS), "usage")


@case("vertex")
def vertex_gemini_safety_finish():
    _, last = gemini_stream("gemini-content-filter")
    expect_equal(last.candidates[0].finish_reason.value, "SAFETY", "finish reason")


@case("vertex")
def vertex_gemini_midstream_error_raises():
    from google.genai import errors

    error = raises(errors.APIError, lambda: gemini_stream("gemini-midstream-error"))
    expect_equal(error.code, 503, "code")


@case("vertex")
def vertex_gemini_not_found():
    from google.genai import errors

    error = raises(errors.ClientError, lambda: gemini_stream("gemini-not-found"))
    expect_equal((error.code, error.status), (404, "NOT_FOUND"), "error")


@case("vertex")
def vertex_claude_stream():
    from anthropic import AnthropicVertex

    client = AnthropicVertex(
        region=LOCATION,
        project_id=os.environ["MOCK_GCP_PROJECT"],
        credentials=service_account_credentials(),
        base_url=BASE + "/v1",
    )
    check_anthropic_stream(client, "claude-sonnet-4-5@20250929")


@case("vertex")
def vertex_openapi_stream():
    import google.auth.transport.requests
    import openai

    credentials = service_account_credentials()
    credentials.refresh(google.auth.transport.requests.Request())
    project = os.environ["MOCK_GCP_PROJECT"]
    client = openai.OpenAI(
        api_key=credentials.token,
        base_url=f"{BASE}/v1/projects/{project}/locations/{LOCATION}/endpoints/openapi",
    )
    check_chat(client, "google/gemini-2.5-flash")


def main():
    family = sys.argv[1]
    failed = False
    for function in CASES[family]:
        try:
            function()
        except Skip as reason:
            print(f"SKIP {function.__name__}: {reason}", flush=True)
        except Exception as error:  # report every case, not just the first failure
            failed = True
            detail = "".join(traceback.format_exception_only(type(error), error)).strip()
            print(f"FAIL {function.__name__}: {detail}", flush=True)
            traceback.print_exc(file=sys.stderr)
        else:
            print(f"PASS {function.__name__}", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
