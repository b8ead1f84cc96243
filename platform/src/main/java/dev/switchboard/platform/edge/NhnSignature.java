package dev.switchboard.platform.edge;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * NHN Online Contact "common authentication": {@code Authorization} = Base64(HmacSHA256(serviceKey,
 * organizationId + request URI + the query values in name order joined by {@code &} + ({@code &} when
 * both) the body + the {@code X-TC-Timestamp} value)). For a multipart upload the MD5 hex of the file
 * replaces parameters and body.
 */
public final class NhnSignature {

    private NhnSignature() {
    }

    /** The signature of a JSON or parameter request. */
    public static String sign(String serviceKey, String organizationId, String rawPath,
                              Map<String, List<String>> queryParams, byte[] body, String timestamp) {
        StringBuilder values = new StringBuilder();
        for (var entry : new TreeMap<>(queryParams).entrySet()) {
            for (String value : entry.getValue()) {
                if (!values.isEmpty()) {
                    values.append('&');
                }
                values.append(value == null ? "" : value);
            }
        }
        boolean hasBody = body != null && body.length > 0;
        if (!values.isEmpty() && hasBody) {
            values.append('&');
        }
        return hmac(serviceKey, organizationId + rawPath + values, hasBody ? body : new byte[0], timestamp);
    }

    /** The signature of a multipart upload, over the MD5 of the file. */
    public static String signUpload(String serviceKey, String organizationId, String rawPath, byte[] fileMd5,
                                    String timestamp) {
        return hmac(serviceKey, organizationId + rawPath + HexFormat.of().formatHex(fileMd5), new byte[0], timestamp);
    }

    /** Compares a presented signature with the expected one in time independent of where they differ. */
    public static boolean matches(String expected, String presented) {
        if (presented == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                presented.trim().getBytes(StandardCharsets.US_ASCII));
    }

    private static String hmac(String serviceKey, String prefix, byte[] body, String timestamp) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(serviceKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(prefix.getBytes(StandardCharsets.UTF_8));
            mac.update(body);
            mac.update(timestamp.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
