package dev.switchboard.notification.transport;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * Wire bodies of the Webitel email-settings API: nodemailer's SMTP options as Webitel nests them. Java names
 * are the wire names, so validation messages name the property the client sent.
 */
final class EmailSettingsBodies {

    /** What every answer shows instead of the password; sent back in a PUT, it keeps the stored one. */
    static final String MASK = "********";

    /** The one provider offered. */
    static final String PROVIDER = "smtp";

    private EmailSettingsBodies() {
    }

    /**
     * nodemailer's transport options. {@code secure} defaults to true on port 465 and false elsewhere (as
     * nodemailer decides), {@code debug} to false.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"host", "port", "secure", "debug", "tls", "auth"})
    record Options(@NotBlank @Size(max = 253) String host,
                   @NotNull @Min(1) @Max(65535) Integer port,
                   Boolean secure,
                   Boolean debug,
                   @Valid Tls tls,
                   @Valid Auth auth) {
    }

    /** Only {@code rejectUnauthorized} of Node's TLS options; it defaults to true, as in Node. */
    record Tls(Boolean rejectUnauthorized) {
    }

    /** The login; without it the server is used unauthenticated. */
    @JsonPropertyOrder({"user", "pass"})
    record Auth(@NotBlank @Size(max = 254) String user, @Size(max = 256) String pass) {

        @Override
        public String toString() {
            return "Auth[user=" + user + ", pass=" + MASK + "]";
        }
    }

    /**
     * The body of a create or update. {@code _id} and {@code domain} are what a client reads back from GET; they
     * are accepted and ignored (the tenant comes from the credentials, the domain from the query).
     */
    @JsonIgnoreProperties({"_id", "domain"})
    record EmailSettingsRequest(@NotBlank @Size(max = 20) String provider,
                                @Size(max = 200) String description,
                                @NotBlank @Size(max = 254) String from,
                                @NotNull @Valid Options options) {
    }

    /** Settings as every answer shows them: the password masked, {@code _id} and {@code domain} added. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"_id", "provider", "description", "from", "options", "domain"})
    record EmailSettingsView(@JsonProperty("_id") String id, String provider, String description, String from,
                             Options options, String domain) {

        static EmailSettingsView of(SmtpSettings settings) {
            Auth auth = settings.user() == null ? null
                    : new Auth(settings.user(), settings.sealedPassword() == null ? null : MASK);
            return new EmailSettingsView(settings.id(), settings.provider(), settings.description(), settings.from(),
                    new Options(settings.host(), settings.port(), settings.secure(), settings.debug(),
                            new Tls(settings.rejectUnauthorized()), auth),
                    settings.domain());
        }
    }

    /** Webitel's answer to DELETE. */
    @JsonPropertyOrder({"status", "Info"})
    record Removed(String status, @JsonProperty("Info") String info) {
    }

    /**
     * A test mail: to {@code to}, with the given settings, or the stored ones when {@code settings} is absent.
     * Given settings may carry the mask as password, standing for the stored one under the same rule as an update.
     */
    record TestRequest(@NotBlank @Size(max = 254) String to, @Valid EmailSettingsRequest settings) {
    }

    /**
     * What a test mail's SMTP conversation showed, step by step: {@code status} is {@code OK} when the server
     * accepted the mail, {@code error} when a step failed ({@code failed} says which, with the server's reply).
     * The steps before the failure are shown as they went.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"status", "Info", "connected", "tls", "authenticated", "accepted", "failed"})
    record TestReport(String status, @JsonProperty("Info") String info, Connected connected, TlsReport tls,
                      Authenticated authenticated, Accepted accepted, Failed failed) {
    }

    /** The server answered: its greeting, from the address the host was checked and pinned to. */
    record Connected(String host, String address, int port, String greeting) {
    }

    /**
     * TLS as negotiated: {@code mode} {@code implicit} (secure), {@code starttls}, or {@code none} (the server
     * offered no STARTTLS and the host is an allowed loopback server, or no login needed protecting).
     * {@code certificateValid} says whether the certificate is trusted and names the host;
     * {@code certificateProblem} why not (with rejectUnauthorized false the conversation goes on regardless).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record TlsReport(String mode, String protocol, String cipher, Boolean certificateValid, String certificateProblem) {
    }

    /** The login succeeded. */
    record Authenticated(String user, String reply) {
    }

    /** The server accepted the test mail. */
    record Accepted(String to, String reply) {
    }

    /**
     * The step that failed ({@code connect}, {@code tls}, {@code authenticate}, {@code send}), the server's
     * reply code and text when it answered, and the reason in words.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Failed(String step, Integer code, String reply, String reason) {
    }
}
