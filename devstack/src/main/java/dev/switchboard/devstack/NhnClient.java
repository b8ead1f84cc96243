package dev.switchboard.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.switchboard.platform.edge.NhnSignature;

/** A small client of the NHN API that signs its requests the way the vendor's clients do. */
public final class NhnClient {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final String organizationId;
    private final String serviceKey;

    public NhnClient(String baseUrl, String organizationId, String serviceKey) {
        this.baseUrl = baseUrl;
        this.organizationId = organizationId;
        this.serviceKey = serviceKey;
    }

    /** Sends a signed request; {@code pathAndQuery} starts with {@code /{serviceId}/openapi/v1/}. */
    public HttpResponse<String> send(String method, String pathAndQuery, String body) {
        return send(method, pathAndQuery, body, System.currentTimeMillis());
    }

    public HttpResponse<String> send(String method, String pathAndQuery, String body, long timestamp) {
        return send(method, pathAndQuery, body, timestamp, Map.of());
    }

    /** A signed request with extra headers (the signature does not cover headers), such as {@code Idempotency-Key}. */
    public HttpResponse<String> send(String method, String pathAndQuery, String body, Map<String, String> headers) {
        return send(method, pathAndQuery, body, System.currentTimeMillis(), headers);
    }

    private HttpResponse<String> send(String method, String pathAndQuery, String body, long timestamp,
                                      Map<String, String> headers) {
        URI uri = URI.create(baseUrl + pathAndQuery);
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        String signature = NhnSignature.sign(serviceKey, organizationId, uri.getRawPath(), queryParams(uri), bytes,
                Long.toString(timestamp));
        return sendRaw(method, pathAndQuery, body, signature, Long.toString(timestamp), headers);
    }

    /**
     * Uploads a file as {@code multipart/form-data} (part {@code file}), signed over the file's MD5
     * as the vendor's uploads are; {@code signedContent} lets a test sign other bytes than it sends, and
     * a null {@code fileName} sends the content as a plain form field instead of a file.
     */
    public HttpResponse<String> upload(String path, String fileName, byte[] content, byte[] signedContent) {
        return upload(path, fileName, () -> new java.io.ByteArrayInputStream(content),
                () -> new java.io.ByteArrayInputStream(signedContent));
    }

    /**
     * Uploads content read from a stream, twice: once for the MD5, once while sending (chunked), so a file of
     * any size passes without being held in memory.
     */
    public HttpResponse<String> upload(String path, String fileName, Supplier<InputStream> content) {
        return upload(path, fileName, content, content);
    }

    private HttpResponse<String> upload(String path, String fileName, Supplier<InputStream> content,
                                        Supplier<InputStream> signedContent) {
        String timestamp = Long.toString(System.currentTimeMillis());
        String signature = NhnSignature.signUpload(serviceKey, organizationId, URI.create(baseUrl + path).getRawPath(),
                md5(signedContent), timestamp);
        String boundary = "switchboard" + System.nanoTime();
        String disposition = fileName == null ? "form-data; name=\"note\""
                : "form-data; name=\"file\"; filename=\"" + fileName + "\"\r\nContent-Type: application/octet-stream";
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: " + disposition + "\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        var request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("Authorization", signature)
                .header("X-TC-Timestamp", timestamp)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new SequenceInputStream(java.util.Collections
                        .enumeration(List.of(new java.io.ByteArrayInputStream(head), content.get(),
                                new java.io.ByteArrayInputStream(tail))))))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("Upload to " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static byte[] md5(Supplier<InputStream> content) {
        try (InputStream in = content.get()) {
            var md5 = java.security.MessageDigest.getInstance("MD5");
            byte[] chunk = new byte[64 * 1024];
            for (int read = in.read(chunk); read >= 0; read = in.read(chunk)) {
                md5.update(chunk, 0, read);
            }
            return md5.digest();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends with the given Authorization and timestamp, for tests of what the edge refuses. */
    public HttpResponse<String> sendRaw(String method, String pathAndQuery, String body, String authorization,
                                        String timestamp) {
        return sendRaw(method, pathAndQuery, body, authorization, timestamp, Map.of());
    }

    private HttpResponse<String> sendRaw(String method, String pathAndQuery, String body, String authorization,
                                         String timestamp, Map<String, String> headers) {
        var builder = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json");
        headers.forEach(builder::setHeader); // may replace the Content-Type, for tests of what the edge refuses
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        if (timestamp != null) {
            builder.header("X-TC-Timestamp", timestamp);
        }
        builder.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        try {
            return http.send(builder.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("Request to " + pathAndQuery + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Map<String, List<String>> queryParams(URI uri) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (uri.getRawQuery() == null) {
            return params;
        }
        for (String pair : uri.getRawQuery().split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return params;
    }
}
