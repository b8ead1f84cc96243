package dev.switchboard.notification.delivery;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.SSLSocketFactory;

import org.eclipse.angus.mail.util.MailSSLSocketFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.mail.MailSendException;
import org.springframework.stereotype.Component;

import dev.switchboard.notification.config.NotificationProperties;
import dev.switchboard.notification.transport.SmtpTransportSettings;
import dev.switchboard.notification.transport.TenantSmtpSettings;
import dev.switchboard.platform.net.ConnectionDeadline;
import dev.switchboard.platform.net.MailHostGuard;
import dev.switchboard.platform.net.PinnedSockets;
import jakarta.mail.Session;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Which server each tenant's mail leaves through: the tenant's own SMTP settings when it saved some, else the
 * platform relay. One pool of kept connections per server and settings version, bounded by the tenant's share
 * of the senders; a changed setting gets a new pool and the old one is closed.
 *
 * <p>A tenant's server: {@code secure} is implicit TLS (SMTPS), otherwise STARTTLS whenever the server offers it;
 * the certificate and the host name are checked unless the settings say {@code rejectUnauthorized: false}.
 * {@code debug} is kept but never turns on Jakarta Mail's protocol trace, which would write the login to the log.
 */
@Component
class MailTransports implements DisposableBean {

    private record Kept(long version, MailTransport transport) {
    }

    private final TenantSmtpSettings tenantSettings;
    private final MailHostGuard guard;
    private final NotificationProperties.Relay timeouts;
    private final NotificationProperties.Sending sending;
    private final MailTransport relay;
    private final Map<String, Kept> tenants = new ConcurrentHashMap<>();

    MailTransports(TenantSmtpSettings tenantSettings, MailHostGuard guard, NotificationProperties properties) {
        this.tenantSettings = tenantSettings;
        this.guard = guard;
        this.timeouts = properties.relay();
        this.sending = properties.sending();
        var relaySettings = properties.relay();
        var session = Session.getInstance(relayProperties(relaySettings));
        this.relay = new MailTransport(MailTransport.RELAY, new SmtpPool(session, false, relaySettings.host(),
                relaySettings.port(), relaySettings.username(), relaySettings.password(), sending.concurrency(),
                sending.connectionIdleTimeout(), sending.connectionMaxMails()));
    }

    Mono<MailTransport> transportFor(String serviceId) {
        return tenantSettings.settingsFor(serviceId)
                .map(this::tenantTransport)
                .defaultIfEmpty(relay);
    }

    /**
     * A new connection's session: the host checked by the mail host guard (again: DNS may have changed since the
     * settings were saved) and the sockets pinned to the address checked. A password goes in clear only to a
     * loopback server the operator allowed; elsewhere a login needs TLS (STARTTLS is then required).
     */
    private Session connectSession(SmtpTransportSettings settings) {
        InetAddress address;
        try {
            address = guard.check(settings.host());
        } catch (MailHostGuard.RefusedHostException e) {
            throw new MailSendException("Mail server refused by the host guard: " + e.getMessage());
        } catch (UnknownHostException e) {
            throw new MailSendException("Mail server host " + settings.host() + " does not resolve");
        }
        Properties smtp = tenantProperties(settings);
        String prefix = "mail." + (settings.secure() ? "smtps" : "smtp") + ".";
        if (!settings.secure() && settings.authenticates() && !guard.mayLoginInClear(address)) {
            smtp.put(prefix + "starttls.required", "true");
        }
        var deadline = new ConnectionDeadline(SmtpPool.MAX_AGE.plus(timeouts.sendTimeout()).plusMinutes(1),
                Schedulers.parallel());
        smtp.put(prefix + "socketFactory", PinnedSockets.plain(address, deadline));
        smtp.put(prefix + "socketFactory.fallback", "false");
        smtp.put(prefix + "ssl.socketFactory", PinnedSockets.tls(address, deadline, tls(settings.rejectUnauthorized())));
        return Session.getInstance(smtp);
    }

    /** The JVM's trusted certificates, or, when the tenant asked for it, any certificate at all. */
    private static SSLSocketFactory tls(boolean rejectUnauthorized) {
        if (rejectUnauthorized) {
            return (SSLSocketFactory) SSLSocketFactory.getDefault();
        }
        try {
            var trustAll = new MailSSLSocketFactory();
            trustAll.setTrustAllHosts(true);
            return trustAll;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("No TLS available", e);
        }
    }

    private MailTransport tenantTransport(SmtpTransportSettings settings) {
        Kept kept = tenants.compute(settings.serviceId(), (id, current) -> {
            if (current != null && current.version() == settings.version()) {
                return current;
            }
            if (current != null) {
                current.transport().pool().close();
            }
            var session = Session.getInstance(tenantProperties(settings));
            var pool = new SmtpPool(() -> connectSession(settings), session, settings.secure(), settings.host(),
                    settings.port(), blankToNull(settings.user()), blankToNull(settings.password()),
                    sending.perTenantConcurrency(), sending.connectionIdleTimeout(), sending.connectionMaxMails(),
                    SmtpPool.MAX_AGE);
            return new Kept(settings.version(), new MailTransport(MailTransport.TENANT, pool));
        });
        return kept.transport();
    }

    private Properties relayProperties(NotificationProperties.Relay relay) {
        Properties smtp = common("smtp");
        smtp.put("mail.smtp.auth", String.valueOf(relay.username() != null));
        smtp.put("mail.smtp.starttls.enable", String.valueOf(relay.startTls()));
        smtp.put("mail.smtp.starttls.required", String.valueOf(relay.startTls()));
        return smtp;
    }

    Properties tenantProperties(SmtpTransportSettings settings) {
        String protocol = settings.secure() ? "smtps" : "smtp";
        Properties smtp = common(protocol);
        String prefix = "mail." + protocol + ".";
        smtp.put(prefix + "auth", String.valueOf(blankToNull(settings.user()) != null));
        if (!settings.secure()) {
            smtp.put(prefix + "starttls.enable", "true");
        }
        smtp.put(prefix + "ssl.protocols", "TLSv1.3 TLSv1.2");
        smtp.put(prefix + "ssl.checkserveridentity", String.valueOf(settings.rejectUnauthorized()));
        if (blankToNull(settings.from()) != null) {
            // the envelope sender: a tenant's server commonly takes mail only from its own address
            smtp.put(prefix + "from", settings.from());
        }
        return smtp;
    }

    /**
     * Short timeouts per step so a stuck server fails an attempt instead of a sender (the whole conversation is
     * bounded by {@code relay.sendTimeout} where the mail is sent).
     */
    private Properties common(String protocol) {
        Properties smtp = new Properties();
        String prefix = "mail." + protocol + ".";
        smtp.put(prefix + "connectiontimeout", String.valueOf(timeouts.connectTimeout().toMillis()));
        smtp.put(prefix + "timeout", String.valueOf(timeouts.readTimeout().toMillis()));
        smtp.put(prefix + "writetimeout", String.valueOf(timeouts.writeTimeout().toMillis()));
        // once the server has accepted the mail, a silent QUIT must not turn it into a failure that is sent again
        smtp.put(prefix + "quitwait", "false");
        smtp.put("mail.mime.charset", "UTF-8");
        return smtp;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    @Override
    public void destroy() {
        relay.pool().close();
        tenants.values().forEach(kept -> kept.transport().pool().close());
    }
}
