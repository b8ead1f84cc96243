package dev.switchboard.notification.transport;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.Arrays;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Judges a server's certificate as the JVM would (trusted issuer, validity, and the host name when the socket
 * asks for endpoint identification), records the verdict, and refuses the certificate only when told to. This
 * is nodemailer's {@code rejectUnauthorized}: false accepts any certificate, yet the test report still says
 * whether, and why not, it was valid.
 */
final class RecordingTrust extends X509ExtendedTrustManager {

    private final X509ExtendedTrustManager trusted;
    private final boolean enforce;
    private volatile Boolean valid;
    private volatile String problem;

    RecordingTrust(X509ExtendedTrustManager trusted, boolean enforce) {
        this.trusted = trusted;
        this.enforce = enforce;
    }

    /** The JVM's trusted certificate authorities. */
    static X509ExtendedTrustManager jvmDefault() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            return Arrays.stream(factory.getTrustManagers())
                    .filter(X509ExtendedTrustManager.class::isInstance).map(X509ExtendedTrustManager.class::cast)
                    .findFirst().orElseThrow(() -> new IllegalStateException("The JVM has no X.509 trust manager"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The JVM's trusted certificates cannot be read", e);
        }
    }

    /** Whether the certificate was valid; null when no certificate was judged. */
    Boolean valid() {
        return valid;
    }

    /** Why the certificate was not valid, in words; null when it was or none was judged. */
    String problem() {
        return problem;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        judge(() -> trusted.checkServerTrusted(chain, authType, socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        judge(() -> trusted.checkServerTrusted(chain, authType, engine));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        judge(() -> trusted.checkServerTrusted(chain, authType));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("Switchboard is the client here");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("Switchboard is the client here");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("Switchboard is the client here");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return trusted.getAcceptedIssuers();
    }

    private interface Check {
        void run() throws CertificateException;
    }

    private void judge(Check check) throws CertificateException {
        try {
            check.run();
            valid = true;
            problem = null;
        } catch (CertificateException e) {
            valid = false;
            problem = describe(e);
            if (enforce) {
                throw e;
            }
        }
    }

    static String describe(CertificateException error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof CertificateExpiredException) {
                return "the certificate has expired";
            }
            if (cause instanceof CertificateNotYetValidException) {
                return "the certificate is not valid yet";
            }
            if (cause instanceof CertPathBuilderException
                    || String.valueOf(cause.getMessage()).contains("unable to find valid certification path")) {
                return "the certificate is not issued by a trusted certificate authority (self-signed or unknown issuer)";
            }
            String message = String.valueOf(cause.getMessage());
            if (message.startsWith("No subject alternative") || message.startsWith("No name matching")) {
                return "the certificate is not for this host: " + message;
            }
        }
        String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        return "the certificate is not valid: " + message.lines().findFirst().orElse(message);
    }
}
