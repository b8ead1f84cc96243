#!/usr/bin/env python3
"""Calls the local Switchboard's NHN API with a signed request, using data/demo-tenant.json.

usage: scripts/nhn.py METHOD PATH [BODY|@FILE]
       scripts/nhn.py UPLOAD PATH FILE
  scripts/nhn.py GET  /demo/openapi/v1/mail.json
  scripts/nhn.py POST /demo/openapi/v1/ticket.json @scripts/seed-ticket.json
  scripts/nhn.py UPLOAD /demo/openapi/v1/ticket/attachments/upload.json scripts/image.png
"""
import base64, hashlib, hmac, json, os, sys, time, urllib.error, urllib.parse, urllib.request, uuid

def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    method, path = sys.argv[1].upper(), sys.argv[2]
    body = sys.argv[3] if len(sys.argv) > 3 else ""
    content_type = "application/json"
    if method == "UPLOAD":
        # multipart part "file"; the file's MD5 hex is signed in place of parameters and body
        with open(body, "rb") as f:
            data = f.read()
        boundary = uuid.uuid4().hex
        name = os.path.basename(body)
        payload = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
                   f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
        method, signed_body, content_type = "POST", hashlib.md5(data).hexdigest(), "multipart/form-data; boundary=" + boundary
    else:
        if body.startswith("@"):
            with open(body[1:], encoding="utf-8") as f:
                body = f.read()
        payload, signed_body = body.encode() if body else None, body
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(os.environ.get("SWITCHBOARD_DEMO", os.path.join(root, "data", "demo-tenant.json"))) as f:
        demo = json.load(f)
    url = urllib.parse.urlsplit(path)
    params = urllib.parse.parse_qsl(url.query, keep_blank_values=True)
    values = "&".join(v for _, v in sorted(params, key=lambda p: p[0]))
    timestamp = str(int(time.time() * 1000))
    signed = demo["organizationId"] + url.path + values + ("&" if values and signed_body else "") + signed_body + timestamp
    signature = base64.b64encode(hmac.new(demo["serviceKey"].encode(), signed.encode(), hashlib.sha256).digest()).decode()
    request = urllib.request.Request(demo["baseUrl"] + path, data=payload, method=method,
                                     headers={"Authorization": signature, "X-TC-Timestamp": timestamp,
                                              "Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            print(response.read().decode())
    except urllib.error.HTTPError as error:
        print(error.read().decode())
        sys.exit(1)

if __name__ == "__main__":
    main()
