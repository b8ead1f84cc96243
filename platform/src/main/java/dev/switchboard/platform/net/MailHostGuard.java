package dev.switchboard.platform.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Decides whether Switchboard may connect to a mail server a tenant named (a mailbox's IMAP or SMTP host, a
 * tenant's SMTP transport). Loopback, private, link-local, multicast, wildcard, reserved and unique-local
 * addresses (in any IPv6 spelling that leads to one) would let a tenant probe the platform's own network, so
 * they are refused unless the operator allow-listed their network (the local stack allows GreenMail on
 * 127.0.0.1). Every address the name resolves to must pass.
 *
 * <p>Each service that connects to tenants' mail servers makes one from its own
 * {@code mail-hosts-allowed} property; connect to the address {@link #check} returned, through
 * {@link PinnedSockets}, so a changed DNS answer cannot redirect the connection.
 */
public final class MailHostGuard {

    /** IPv4 networks that are not the public Internet (RFC 6890 special-purpose registry). */
    private static final List<Cidr> SPECIAL_V4 = Stream.of(
            "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
            "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
            "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4").map(Cidr::parse).toList();

    /** IPv6 networks refused whatever follows the prefix. */
    private static final List<Cidr> SPECIAL_V6 = Stream.of(
            "::/96", "64:ff9b:1::/48", "100::/64", "2001::/32", "2001:db8::/32", "fc00::/7", "fe80::/10",
            "fec0::/10", "ff00::/8").map(Cidr::parse).toList();

    private final List<Cidr> allowed;

    /**
     * @param allowedNetworks networks in CIDR notation ({@code 127.0.0.1/32}) whose addresses may be used
     *                        although they are private, loopback or reserved
     * @throws IllegalArgumentException when one of them is not a network in CIDR notation
     */
    public MailHostGuard(List<String> allowedNetworks) {
        this.allowed = allowedNetworks.stream().map(Cidr::parse).toList();
    }

    /**
     * Resolves the host and checks every address it resolves to. Blocking DNS resolution: call off the
     * event loop.
     *
     * @return the first address, the one to connect to
     * @throws RefusedHostException when one of the addresses is internal and not allowed
     * @throws UnknownHostException when the name does not resolve
     */
    public InetAddress check(String host) throws RefusedHostException, UnknownHostException {
        InetAddress[] addresses = InetAddress.getAllByName(host);
        for (InetAddress address : addresses) {
            if (internal(address) && allowed.stream().noneMatch(cidr -> cidr.contains(address))) {
                throw new RefusedHostException(host + " resolves to " + address.getHostAddress()
                        + ", a private or reserved address that mail servers may not use");
            }
        }
        return addresses[0];
    }

    /**
     * Whether a password may cross the network in clear to this (already checked) address: only to a
     * loopback server the operator allowed, like the local stack's GreenMail on 127.0.0.1.
     */
    public boolean mayLoginInClear(InetAddress address) {
        return address.isLoopbackAddress() && allowed.stream().anyMatch(cidr -> cidr.contains(address));
    }

    /**
     * Whether an address is anything but a public unicast host. IPv6 forms that carry an IPv4 address
     * (mapped, translated, NAT64, 6to4) are judged by the IPv4 address they lead to; the IPv4-compatible
     * form ({@code ::a.b.c.d}) is deprecated and refused outright, like Teredo, whose embedded address is
     * obfuscated.
     */
    public static boolean internal(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == 4 ? internalV4(bytes, 0) : internalV6(bytes);
    }

    private static boolean internalV4(byte[] bytes, int offset) {
        byte[] v4 = Arrays.copyOfRange(bytes, offset, offset + 4);
        return SPECIAL_V4.stream().anyMatch(cidr -> cidr.contains(v4));
    }

    private static boolean internalV6(byte[] bytes) {
        if (SPECIAL_V6.stream().anyMatch(cidr -> cidr.contains(bytes))) {
            return true;
        }
        if (zero(bytes, 0, 10) && (bytes[10] & 0xff) == 0xff && (bytes[11] & 0xff) == 0xff) {
            return internalV4(bytes, 12); // ::ffff:a.b.c.d, IPv4-mapped
        }
        if (zero(bytes, 0, 8) && (bytes[8] & 0xff) == 0xff && (bytes[9] & 0xff) == 0xff && zero(bytes, 10, 12)) {
            return internalV4(bytes, 12); // ::ffff:0:a.b.c.d, IPv4-translated
        }
        if (bytes[0] == 0 && bytes[1] == 0x64 && (bytes[2] & 0xff) == 0xff && (bytes[3] & 0xff) == 0x9b
                && zero(bytes, 4, 12)) {
            return internalV4(bytes, 12); // 64:ff9b::a.b.c.d, NAT64 well-known prefix
        }
        if (bytes[0] == 0x20 && bytes[1] == 0x02) {
            return internalV4(bytes, 2); // 2002:aabb:ccdd::, 6to4
        }
        return false;
    }

    private static boolean zero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** A host the guard refused; the message names the host and the address, and may be shown to the tenant. */
    public static final class RefusedHostException extends Exception {
        RefusedHostException(String message) {
            super(message);
        }
    }

    /** A network in CIDR notation, IPv4 or IPv6. */
    record Cidr(byte[] network, int prefix) {

        static Cidr parse(String text) {
            try {
                String[] parts = text.trim().split("/");
                byte[] network = InetAddress.getByName(parts[0]).getAddress();
                int prefix = parts.length > 1 ? Integer.parseInt(parts[1]) : network.length * 8;
                if (prefix < 0 || prefix > network.length * 8) {
                    throw new IllegalArgumentException("Not a network in CIDR notation: " + text);
                }
                return new Cidr(network, prefix);
            } catch (UnknownHostException | NumberFormatException e) {
                throw new IllegalArgumentException("Not a network in CIDR notation: " + text, e);
            }
        }

        boolean contains(InetAddress address) {
            return contains(address.getAddress());
        }

        boolean contains(byte[] bytes) {
            if (bytes.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((bytes[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
