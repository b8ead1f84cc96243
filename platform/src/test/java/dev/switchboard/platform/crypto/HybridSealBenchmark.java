package dev.switchboard.platform.crypto;

import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.Security;
import java.util.function.IntConsumer;

import javax.crypto.KeyAgreement;

/**
 * Prints how many contacts one thread seals and opens per second with the shared contact key ({@link ContactSeal}),
 * and with HPKE as contacts were sealed before it, on BoringSSL's X25519 (what HybridSeal uses when Conscrypt loads)
 * and on Tink's own Java one, and what one X25519 key generation plus agreement costs in each implementation at
 * hand. A benchmark, not a test: from {@code platform/}, with the test classpath in
 * {@code cp.txt} ({@code dependency:build-classpath -Dmdep.includeScope=test}), run
 * {@code java --enable-native-access=ALL-UNNAMED -cp target/classes:target/test-classes:$(cat cp.txt)
 * dev.switchboard.platform.crypto.HybridSealBenchmark [seconds per measurement] [rounds]}.
 */
public final class HybridSealBenchmark {

    private HybridSealBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        var pair = Keysets.newKeyPair();
        var sealer = new HybridSeal.Sealer(pair.publicKeyset());
        var opener = new HybridSeal.Opener(pair.privateKeyset());
        Provider conscrypt = Security.getProvider("Conscrypt");
        // Tink picks its X25519 when a primitive is made: made while Conscrypt is not installed, it uses its own
        Security.removeProvider("Conscrypt");
        var javaSealer = new HybridSeal.Sealer(pair.publicKeyset());
        var javaOpener = new HybridSeal.Opener(pair.privateKeyset());
        if (conscrypt != null) {
            Security.addProvider(conscrypt);
        }
        var contact = new SealedContact("kim.customer@example.com", "Kim Customer");
        String json = "{\"email\":\"kim.customer@example.com\",\"username\":\"Kim Customer\"}";
        byte[] sealed = sealer.seal(json, "contact:demo:T1");
        var shared = new ContactSeal(Keysets.newAeadKeyset());
        ByteBuffer sharedSealed = shared.seal(contact, "demo", "T1");
        byte[] peer = com.google.crypto.tink.subtle.X25519.publicFromPrivate(
                com.google.crypto.tink.subtle.X25519.generatePrivateKey());
        KeyPair jdkPeer = KeyPairGenerator.getInstance("X25519", "SunEC").generateKeyPair();

        System.out.printf("JDK %s (%s), %d cores; HybridSeal uses BoringSSL's X25519: %s%n", Runtime.version(),
                System.getProperty("java.vm.vendor"), Runtime.getRuntime().availableProcessors(),
                HybridSeal.nativeX25519());
        // rounds alternate, so a machine busy with other work slows both sides alike
        for (int round = 1; round <= rounds; round++) {
            System.out.printf("round %d%n", round);
            report("seal, ContactSeal (shared key)", seconds, i -> shared.seal(contact, "demo", "T" + i));
            report("open, ContactSeal (shared key)", seconds, i -> shared.open(sharedSealed, "demo", "T1"));
            report("seal, Tink's Java X25519", seconds, i -> javaSealer.seal(json, "contact:demo:T" + i));
            report("seal, HybridSeal.Sealer", seconds, i -> sealer.seal(json, "contact:demo:T" + i));
            report("open, Tink's Java X25519", seconds, i -> SealedContact.openHpke(javaOpener, ByteBuffer.wrap(sealed), "demo", "T1"));
            report("open, HybridSeal.Opener", seconds, i -> SealedContact.openHpke(opener, ByteBuffer.wrap(sealed), "demo", "T1"));
            report("X25519 keygen+DH, Tink's Java", seconds, i -> tinkJava(peer));
            report("X25519 keygen+DH, JDK SunEC XDH", seconds, i -> jca(Security.getProvider("SunEC"), jdkPeer));
            if (conscrypt != null) {
                KeyPair conscryptPeer = KeyPairGenerator.getInstance("XDH", conscrypt).generateKeyPair();
                report("X25519 keygen+DH, Conscrypt XDH", seconds, i -> jca(conscrypt, conscryptPeer));
            }
        }
    }

    private static void tinkJava(byte[] peer) {
        try {
            byte[] own = com.google.crypto.tink.subtle.X25519.generatePrivateKey();
            com.google.crypto.tink.subtle.X25519.publicFromPrivate(own);
            com.google.crypto.tink.subtle.X25519.computeSharedSecret(own, peer);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void jca(Provider provider, KeyPair peer) {
        try {
            KeyPair own = KeyPairGenerator.getInstance("XDH", provider).generateKeyPair();
            own.getPublic().getEncoded();
            KeyAgreement agreement = KeyAgreement.getInstance("XDH", provider);
            agreement.init(own.getPrivate());
            agreement.doPhase(peer.getPublic(), true);
            agreement.generateSecret();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Warms up for half the time, then counts operations for the whole time. */
    private static void report(String name, double seconds, IntConsumer operation) {
        run(operation, (long) (seconds * 0.5e9));
        long started = System.nanoTime();
        long count = run(operation, (long) (seconds * 1e9));
        double perSecond = count / ((System.nanoTime() - started) / 1e9);
        System.out.printf("%-36s %10.0f ops/s  %8.1f us/op%n", name, perSecond, 1e6 / perSecond);
    }

    private static long run(IntConsumer operation, long nanos) {
        long end = System.nanoTime() + nanos;
        long count = 0;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 50; i++) {
                operation.accept(i);
            }
            count += 50;
        }
        return count;
    }
}
