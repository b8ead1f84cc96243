package dev.switchboard.platform.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The vendor's test vectors from shared/seeds/README.md. */
class NhnSignatureTest {

    static final String ORG = "WopqM8euoYw89B7i";
    static final String KEY = "431402c0eaaf46d889f243db9e7492e2";
    static final String TS = "1597369998000";

    @Test
    void signsGetWithQueryValuesInNameOrder() {
        var params = Map.of("language", List.of("ko"), "categoryId", List.of("1"));
        assertThat(NhnSignature.sign(KEY, ORG, "/APISimple/openapi/v1/ticket/enduser/usercode/list.json", params, null, TS))
                .isEqualTo("Ms4lol8MA93ob298/XH73TPs4DdH6QGOYU8rsN35Pvs=");
    }

    @Test
    void signsPostWithBodyOnly() {
        byte[] body = "{\"name\":\"noreply\",\"displayMail\":\"noreply@oc.toast.com\",\"template\":\"<p>#{content}</p>\"}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(NhnSignature.sign(KEY, ORG, "/APISimple/openapi/v1/mail.json", Map.of(), body, TS))
                .isEqualTo("KkTDcrVklVFV9Tko6D9Ce4E0k9mZr02RSoLWXYZmOxs=");
    }

    @Test
    void joinsParametersAndBodyWithAmpersand() {
        byte[] body = "{\"comment\":\"I solve it\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(NhnSignature.sign(KEY, ORG, "/APISimple/openapi/v1/ticket/solve.json",
                Map.of("id", List.of("T1586918360295gJrtI")), body, TS))
                .isEqualTo("anDlRRJJCZexbhrFsfSPAwLD3jDl+EJEvVCm+7LG6OE=");
    }

    @Test
    void signsUploadOverTheFileMd5() throws Exception {
        byte[] md5 = MessageDigest.getInstance("MD5").digest("hello\n".getBytes(StandardCharsets.UTF_8));
        assertThat(NhnSignature.signUpload(KEY, ORG, "/APISimple/openapi/v1/ticket/attachments/upload.json", md5, TS))
                .isEqualTo("P01AsD2rOok1NM/GEtEj6OnWZVoDlsItNPzlvr7O3S4=");
    }

    @Test
    void matchesOnlyTheExactSignature() {
        assertThat(NhnSignature.matches("abc=", "abc=")).isTrue();
        assertThat(NhnSignature.matches("abc=", "abd=")).isFalse();
        assertThat(NhnSignature.matches("abc=", null)).isFalse();
    }
}
