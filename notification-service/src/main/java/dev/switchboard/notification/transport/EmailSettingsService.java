package dev.switchboard.notification.transport;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

import org.bson.types.ObjectId;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import dev.switchboard.notification.transport.EmailSettingsBodies.Auth;
import dev.switchboard.notification.transport.EmailSettingsBodies.EmailSettingsRequest;
import dev.switchboard.notification.transport.EmailSettingsBodies.EmailSettingsView;
import dev.switchboard.notification.transport.EmailSettingsBodies.Options;
import dev.switchboard.notification.transport.EmailSettingsBodies.Removed;
import dev.switchboard.notification.transport.EmailSettingsBodies.TestReport;
import dev.switchboard.notification.transport.EmailSettingsBodies.TestRequest;
import dev.switchboard.platform.crypto.SecretBox;
import dev.switchboard.platform.net.MailHostGuard;
import dev.switchboard.platform.web.NhnApiException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The rules of a tenant's SMTP settings: what is valid, when a masked password stands for the stored one
 * (only while host, port and user stay the same), which hosts may be stored (the platform's
 * {@link MailHostGuard}), and the test mail.
 */
@Service
class EmailSettingsService {

    /** How often an update is tried again when another one changed the settings between read and write. */
    static final int UPDATE_ATTEMPTS = 3;
    static final int MAX_DOMAIN = 253;

    private static final String LABEL = "[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?";
    private static final Pattern HOST_NAME = Pattern.compile(LABEL + "(\\." + LABEL + ")*\\.?");
    private static final Pattern DOTTED_NUMBERS = Pattern.compile("[0-9.]+");
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");
    private static final Pattern BARE_ADDRESS = Pattern.compile("[^@\\s<>\"]+@[^@\\s<>\"]+\\.[^@\\s<>\"]+");
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

    private final SmtpSettingsStore store;
    private final TenantSmtpSettings tenants;
    private final SecretBox secrets;
    private final MailHostGuard guard;
    private final SmtpProbe probe;
    private final Clock clock = Clock.systemUTC();

    EmailSettingsService(SmtpSettingsStore store, TenantSmtpSettings tenants, SecretBox secrets, MailHostGuard guard,
                         SmtpProbe probe) {
        this.store = store;
        this.tenants = tenants;
        this.secrets = secrets;
        this.guard = guard;
        this.probe = probe;
    }

    Mono<EmailSettingsView> get(String serviceId, String domain) {
        checkDomain(domain);
        return store.find(serviceId).switchIfEmpty(Mono.error(() -> none(domain))).map(EmailSettingsView::of);
    }

    /** Creates the tenant's settings; a tenant that has them already is told to update them instead. */
    Mono<EmailSettingsView> create(String serviceId, String domain, EmailSettingsRequest request) {
        checkDomain(domain);
        Valid valid = validate(request);
        if (valid.auth() != null && EmailSettingsBodies.MASK.equals(valid.auth().pass())) {
            return Mono.error(NhnApiException.badRequest("options.auth.pass: " + EmailSettingsBodies.MASK
                    + " only stands for a stored password; send the password"));
        }
        return checkHost(valid.host()).then(Mono.fromCallable(() -> {
                    var now = clock.instant();
                    return settings(new ObjectId().toHexString(), serviceId, domain, valid,
                            seal(serviceId, valid, valid.auth() == null ? null : valid.auth().pass()),
                            now.toEpochMilli(), now, now);
                }))
                .flatMap(store::insert)
                .onErrorMap(DuplicateKeyException.class, e -> NhnApiException.badRequest(
                        "Email settings for this domain exist already; change them with PUT"))
                .map(EmailSettingsView::of);
    }

    /**
     * Replaces the tenant's settings. The mask as password keeps the stored one, but only for the same host,
     * port and user: a stored password is never sent to another server.
     */
    Mono<EmailSettingsView> update(String serviceId, String domain, EmailSettingsRequest request) {
        checkDomain(domain);
        Valid valid = validate(request);
        return checkHost(valid.host()).then(replace(serviceId, domain, valid, UPDATE_ATTEMPTS)).map(EmailSettingsView::of);
    }

    private Mono<SmtpSettings> replace(String serviceId, String domain, Valid valid, int attempts) {
        return store.find(serviceId)
                .switchIfEmpty(Mono.error(() -> none(domain)))
                .flatMap(current -> {
                    byte[] sealed = sealedFor(serviceId, valid, current);
                    var now = clock.instant();
                    var next = settings(current.id(), serviceId, domain, valid, sealed,
                            Math.max(current.version() + 1, now.toEpochMilli()), current.createdAt(), now);
                    return store.replace(next, current.version());
                })
                .switchIfEmpty(Mono.defer(() -> attempts > 1 ? replace(serviceId, domain, valid, attempts - 1)
                        : Mono.error(new NhnApiException(HttpStatus.CONFLICT, HttpStatus.CONFLICT.value(),
                                "The email settings were changed by another request at the same time; try again", null))));
    }

    Mono<Removed> delete(String serviceId, String domain) {
        checkDomain(domain);
        return store.delete(serviceId).flatMap(removed -> removed == 0 ? Mono.error(none(domain))
                : Mono.just(new Removed("OK", "Removed " + removed + " record" + (removed == 1 ? "." : "s."))));
    }

    /**
     * A test mail with the given settings, or the stored ones. The mask as password stands for the stored
     * password under the same rule as an update.
     */
    Mono<TestReport> test(String serviceId, String domain, TestRequest request) {
        checkDomain(domain);
        String to = address("to", request.to());
        Mono<SmtpTransportSettings> settings;
        if (request.settings() == null) {
            settings = store.find(serviceId).switchIfEmpty(Mono.error(() -> none(domain))).map(tenants::open);
        } else {
            Valid valid = validate(request.settings());
            settings = passwordFor(serviceId, valid).map(password -> new SmtpTransportSettings(serviceId, valid.from(),
                    valid.host(), valid.port(), valid.secure(), valid.debug(), valid.rejectUnauthorized(),
                    valid.auth() == null ? null : valid.auth().user(), password.orElse(null), 0));
        }
        // DNS, the host check and the SMTP conversation block: they run on the bounded elastic scheduler
        return settings.flatMap(transport -> Mono.fromCallable(() -> probe.probe(transport, to))
                .subscribeOn(Schedulers.boundedElastic()));
    }

    /** The password of test settings: as given, or the stored one for the mask (same host, port and user only). */
    private Mono<Optional<String>> passwordFor(String serviceId, Valid valid) {
        if (valid.auth() == null) {
            return Mono.just(Optional.empty());
        }
        if (!EmailSettingsBodies.MASK.equals(valid.auth().pass())) {
            return Mono.just(Optional.of(valid.auth().pass()));
        }
        return store.find(serviceId)
                .filter(stored -> stored.sealedPassword() != null
                        && stored.sameServerAndUser(valid.host(), valid.port(), valid.auth().user()))
                .map(stored -> Optional.of(tenants.open(stored).password()))
                .switchIfEmpty(Mono.error(() -> passwordAgain()));
    }

    /** The sealed password of updated settings; the mask keeps the stored one only for the same server and user. */
    private byte[] sealedFor(String serviceId, Valid valid, SmtpSettings current) {
        if (valid.auth() == null) {
            return null;
        }
        if (!EmailSettingsBodies.MASK.equals(valid.auth().pass())) {
            return seal(serviceId, valid, valid.auth().pass());
        }
        if (current.sealedPassword() == null
                || !current.sameServerAndUser(valid.host(), valid.port(), valid.auth().user())) {
            throw passwordAgain();
        }
        // the associated data names the host in lower case, so the sealed password stays valid as it is
        return current.sealedPassword();
    }

    private byte[] seal(String serviceId, Valid valid, String password) {
        return password == null ? null : secrets.seal(password,
                SmtpSettings.passwordContext(serviceId, valid.host(), valid.port(), valid.auth().user()));
    }

    private static SmtpSettings settings(String id, String serviceId, String domain, Valid valid, byte[] sealed,
                                         long version, Instant createdAt, Instant updatedAt) {
        return new SmtpSettings(id, serviceId, domain, EmailSettingsBodies.PROVIDER, valid.description(), valid.from(),
                valid.host(), valid.port(), valid.secure(), valid.debug(), valid.rejectUnauthorized(),
                valid.auth() == null ? null : valid.auth().user(), sealed, version, createdAt, updatedAt);
    }

    /** The host resolves, and to addresses the guard accepts. Blocking DNS: on the bounded elastic scheduler. */
    private Mono<Void> checkHost(String host) {
        return Mono.<Void>fromCallable(() -> {
            try {
                guard.check(host);
                return null;
            } catch (MailHostGuard.RefusedHostException e) {
                throw NhnApiException.badRequest("options.host: " + e.getMessage());
            } catch (UnknownHostException e) {
                throw NhnApiException.badRequest("options.host: " + host + " does not resolve");
            }
        }).subscribeOn(Schedulers.boundedElastic());
    }

    /** A request checked beyond its annotations, with nodemailer's defaults filled in. */
    record Valid(String description, String from, String host, int port, boolean secure, boolean debug,
                 boolean rejectUnauthorized, Auth auth) {
    }

    static Valid validate(EmailSettingsRequest request) {
        if (!EmailSettingsBodies.PROVIDER.equals(request.provider())) {
            throw NhnApiException.badRequest("provider: only '" + EmailSettingsBodies.PROVIDER + "' is supported");
        }
        if (request.description() != null && CONTROL.matcher(request.description()).find()) {
            throw NhnApiException.badRequest("description: control characters and line breaks are not allowed");
        }
        String from = address("from", request.from());
        Options options = request.options();
        String host = host(options.host());
        int port = options.port();
        Auth auth = options.auth();
        if (auth != null) {
            if (CONTROL.matcher(auth.user()).find()) {
                throw NhnApiException.badRequest("options.auth.user: control characters are not allowed");
            }
            if (auth.pass() == null || auth.pass().isEmpty()) {
                throw NhnApiException.badRequest("options.auth.pass is required with options.auth.user");
            }
            if (CONTROL.matcher(auth.pass()).find()) {
                throw NhnApiException.badRequest("options.auth.pass: control characters are not allowed");
            }
        }
        boolean secure = options.secure() != null ? options.secure() : port == 465;
        boolean rejectUnauthorized = options.tls() == null || options.tls().rejectUnauthorized() == null
                || options.tls().rejectUnauthorized();
        return new Valid(request.description(), from, host, port, secure, Boolean.TRUE.equals(options.debug()),
                rejectUnauthorized, auth);
    }

    /** A bare mail address, {@code local@domain}: the envelope sender and From of every mail. */
    static String address(String field, String text) {
        String trimmed = text.strip();
        if (!BARE_ADDRESS.matcher(trimmed).matches()) {
            throw NhnApiException.badRequest(field + ": '" + shortened(trimmed) + "' is not a mail address (local@domain)");
        }
        try {
            new InternetAddress(trimmed, true).validate();
            return trimmed;
        } catch (AddressException e) {
            throw NhnApiException.badRequest(field + ": '" + shortened(trimmed) + "' is not a mail address: "
                    + e.getMessage());
        }
    }

    /** A host name or an IP address literal, nothing else (no port, no scheme, no zone). */
    static String host(String text) {
        String host = text.strip();
        boolean valid;
        if (host.contains(":")) {
            valid = IPV6.matcher(host).matches() && isLiteral(host);
        } else if (DOTTED_NUMBERS.matcher(host).matches()) {
            valid = IPV4.matcher(host).matches();
        } else {
            valid = HOST_NAME.matcher(host).matches();
        }
        if (!valid) {
            throw NhnApiException.badRequest("options.host: '" + shortened(host) + "' is not a host name or IP address");
        }
        return host;
    }

    private static boolean isLiteral(String ipv6) {
        try {
            // an IPv6 literal is parsed, never looked up
            return InetAddress.getByName(ipv6).getAddress().length == 16;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static void checkDomain(String domain) {
        if (domain == null || domain.isBlank() || domain.length() > MAX_DOMAIN || CONTROL.matcher(domain).find()) {
            throw NhnApiException.badRequest("domain: a domain name of at most " + MAX_DOMAIN + " characters is required");
        }
    }

    private static NhnApiException none(String domain) {
        return NhnApiException.notFound("No email settings for domain " + shortened(domain));
    }

    private static NhnApiException passwordAgain() {
        return NhnApiException.badRequest("options.auth.pass: send the password; " + EmailSettingsBodies.MASK
                + " keeps the stored one only while host, port and user stay the same");
    }

    private static String shortened(String text) {
        return text.length() <= 100 ? text : text.substring(0, 100) + "...";
    }
}
