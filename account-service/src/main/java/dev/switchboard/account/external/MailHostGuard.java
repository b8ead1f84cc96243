package dev.switchboard.account.external;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import org.springframework.stereotype.Component;

import dev.switchboard.account.config.AccountProperties;

/**
 * Decides whether Switchboard may connect to a host a tenant gave it. Loopback, private, link-local,
 * multicast, wildcard and unique-local addresses would let a tenant probe the platform's own network,
 * so they are refused unless the operator allow-listed their network (the local stack allows GreenMail
 * on 127.0.0.1). Every address the name resolves to must pass.
 */
@Component
class MailHostGuard {

    private final List<Cidr> allowed;

    MailHostGuard(AccountProperties properties) {
        this.allowed = properties.mailHostsAllowed().stream().map(Cidr::parse).toList();
    }

    /** Blocking DNS resolution: call off the event loop. */
    InetAddress check(String host) throws RefusedHostException, UnknownHostException {
        InetAddress[] addresses = InetAddress.getAllByName(host);
        for (InetAddress address : addresses) {
            if (internal(address) && allowed.stream().noneMatch(cidr -> cidr.contains(address))) {
                throw new RefusedHostException(host + " resolves to " + address.getHostAddress()
                        + ", a private or reserved address that mail servers may not use");
            }
        }
        return addresses[0];
    }

    static boolean internal(InetAddress address) {
        if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                || address.isMulticastAddress() || address.isAnyLocalAddress()) {
            return true;
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet6Address) {
            return (bytes[0] & 0xfe) == 0xfc; // fc00::/7 unique local
        }
        return (bytes[0] & 0xff) == 100 && (bytes[1] & 0xc0) == 64; // 100.64.0.0/10 carrier-grade NAT
    }

    /** A host the guard refused. */
    static final class RefusedHostException extends Exception {
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
                return new Cidr(network, prefix);
            } catch (UnknownHostException | NumberFormatException e) {
                throw new IllegalArgumentException("Not a network in CIDR notation: " + text, e);
            }
        }

        boolean contains(InetAddress address) {
            byte[] bytes = address.getAddress();
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
