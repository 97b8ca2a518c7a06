#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Prints the signatures botocore (an independent SigV4 implementation) gives for the
extra cases in tests/test-sigv4.c, so that their expected values can be re-derived.
Run with Debian's /usr/bin/python3 (python3-botocore)."""
import datetime
from unittest import mock

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

TOKEN = "AQoDYXdzEPT//////////wEXAMPLE+token/with=reserved"
WHEN = datetime.datetime(2015, 8, 30, 12, 36, 0)
CASES = [
    # name, auth class, service, method, url, params, headers, body, token
    ("session-token", SigV4Auth, "service", "GET", "https://example.amazonaws.com/",
     None, {}, b"", TOKEN),
    ("dynamodb-port", SigV4Auth, "dynamodb", "POST", "http://127.0.0.1:8000/", None,
     {"Content-Type": "application/x-amz-json-1.0",
      "X-Amz-Target": "DynamoDB_20120810.GetItem"}, b'{"TableName":"t"}', None),
    ("s3-key-encoding", S3SigV4Auth, "s3", "GET",
     "http://localhost:4569/bucket/photos/a%20b~%E1%88%B4%21%24%26%27%28%29%2A%2B%2C%3B%3D%3A%40.jpg",
     None, {}, b"", None),
    ("s3-query-order", S3SigV4Auth, "s3", "GET", "https://s3.eu-west-1.amazonaws.com/bucket",
     [("prefix", "a b/\u1234"), ("list-type", "2"), ("continuation-token", "x+y="),
      ("a", "2"), ("a", "10"), ("A", "1")], {}, b"", None),
    ("header-spaces", SigV4Auth, "service", "GET", "https://example.amazonaws.com/",
     None, {"X-Amz-Meta-Note": "  a   b \t c  ", "My-Header": "x"}, b"", None),
]


def sign(auth_class, service, method, url, params, headers, body, token):
    credentials = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token)
    request = AWSRequest(method=method, url=url, data=body, headers=headers)
    if params:
        request.params = params  # encoded by botocore, as a list to keep repeated names
    with mock.patch("botocore.auth.datetime") as clock:
        clock.datetime.utcnow.return_value = WHEN
        auth_class(credentials, service, "us-east-1").add_auth(request)
    return request.headers["Authorization"].split("Signature=")[1]


for name, *args in CASES:
    print(name, sign(*args))
