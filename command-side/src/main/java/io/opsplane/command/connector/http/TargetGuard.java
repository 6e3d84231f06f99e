package io.opsplane.command.connector.http;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The SSRF guard of every outbound call to an address a caller chose ({@code service.healthcheck}, webhooks): it
 * resolves the host and refuses the target when any of its addresses is one the guard denies, so the caller can be
 * given the address to connect to and nothing resolves the name again (no window for DNS rebinding).
 *
 * <p>Always denied: link-local and cloud metadata addresses ({@code 169.254.0.0/16}, {@code fe80::/10},
 * {@code fd00:ec2::254}, {@code 100.100.100.200}), the special-purpose {@code 192.0.0.0/24}, {@code 0.0.0.0/8} and
 * {@code ::}, and multicast; an IPv6 address that embeds an IPv4 one (mapped {@code ::ffff:0:0/96}, compatible
 * {@code ::/96}, NAT64 {@code 64:ff9b::/96}, 6to4 {@code 2002::/16}) is judged by the IPv4 address it carries. Loopback
 * and private ranges stay allowed unless configured as denied.
 */
public final class TargetGuard {

    private static final List<CidrBlock> ALWAYS_DENIED = Stream.of("169.254.0.0/16", "fe80::/10", "fd00:ec2::254/128",
            "100.100.100.200/32", "192.0.0.0/24", "0.0.0.0/8", "::/128", "224.0.0.0/4", "ff00::/8").map(CidrBlock::parse).toList();
    private static final byte[] NAT64_PREFIX = {0x00, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};

    private final List<CidrBlock> denied;

    /** @param configured networks denied on top of those always denied, in CIDR notation */
    public TargetGuard(List<String> configured) {
        this.denied = Stream.concat(ALWAYS_DENIED.stream(),
                configured.stream().filter(notation -> !notation.isBlank()).map(CidrBlock::parse)).toList();
    }

    /** A target the guard refuses; the message says which address and why, never more. */
    public static final class DeniedTargetException extends Exception {
        DeniedTargetException(String message) {
            super(message);
        }
    }

    /**
     * Resolves the URL's host and answers the address to connect to.
     *
     * @throws UnknownHostException     the host does not resolve
     * @throws DeniedTargetException    the URL names no host, or one of the host's addresses is denied
     */
    public InetAddress resolve(URI url) throws UnknownHostException, DeniedTargetException {
        String host = url.getHost();
        if (host == null || host.isEmpty()) {
            throw new DeniedTargetException("must name a host");
        }
        InetAddress[] addresses = InetAddress.getAllByName(host.startsWith("[") && host.endsWith("]")
                ? host.substring(1, host.length() - 1) : host);
        for (InetAddress address : addresses) {
            Optional<String> reason = deniedBecause(address);
            if (reason.isPresent()) {
                throw new DeniedTargetException("resolves to " + address.getHostAddress() + ", " + reason.get());
            }
        }
        return addresses[0];
    }

    /** Why an address is denied, or empty when it is allowed. */
    Optional<String> deniedBecause(InetAddress address) {
        Optional<String> own = deniedNetwork(address);
        if (own.isPresent()) {
            return own;
        }
        return embeddedIpv4(address).flatMap(ipv4 -> deniedNetwork(ipv4)
                .map(network -> "which carries the IPv4 address " + ipv4.getHostAddress() + " " + network));
    }

    private Optional<String> deniedNetwork(InetAddress address) {
        if (address.isMulticastAddress()) {
            return Optional.of("a multicast address");
        }
        return denied.stream().filter(block -> block.contains(address)).findFirst()
                .map(block -> "in the denied network " + block.notation());
    }

    /** The IPv4 address an IPv6 address embeds: IPv4-compatible, IPv4-mapped, NAT64 or 6to4. */
    static Optional<InetAddress> embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return Optional.empty();
        }
        byte[] bytes = address.getAddress();
        byte[] ipv4 = null;
        boolean zeroes80 = Arrays.equals(bytes, 0, 10, new byte[10], 0, 10);
        if (zeroes80 && ((bytes[10] == 0 && bytes[11] == 0) || (bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff))) {
            // ::a.b.c.d (compatible) or ::ffff:a.b.c.d (mapped); :: and ::1 are the unspecified and loopback addresses.
            if (!(bytes[10] == 0 && address.isLoopbackAddress()) && !(bytes[10] == 0 && isAllZero(bytes))) {
                ipv4 = Arrays.copyOfRange(bytes, 12, 16);
            }
        } else if (Arrays.equals(bytes, 0, 12, NAT64_PREFIX, 0, 12)) {
            ipv4 = Arrays.copyOfRange(bytes, 12, 16);
        } else if (bytes[0] == 0x20 && bytes[1] == 0x02) {
            ipv4 = Arrays.copyOfRange(bytes, 2, 6);
        }
        if (ipv4 == null) {
            return Optional.empty();
        }
        try {
            return Optional.of((Inet4Address) InetAddress.getByAddress(ipv4));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static boolean isAllZero(byte[] bytes) {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
