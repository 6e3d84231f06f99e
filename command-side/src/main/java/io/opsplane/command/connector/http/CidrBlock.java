package io.opsplane.command.connector.http;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IPv4 or IPv6 network in CIDR notation, e.g. {@code 169.254.0.0/16} or {@code fe80::/10}. */
record CidrBlock(String notation, byte[] network, int prefixLength) {

    static CidrBlock parse(String notation) {
        String trimmed = notation.trim();
        int slash = trimmed.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not a CIDR block (address/prefix): " + notation);
        }
        String address = trimmed.substring(0, slash);
        if (!address.contains(":") && !address.matches("[0-9.]+")) {
            throw new IllegalArgumentException("not an IP address: " + address);
        }
        try {
            byte[] bytes = InetAddress.getByName(address).getAddress();
            int prefix = Integer.parseInt(trimmed.substring(slash + 1));
            if (prefix < 0 || prefix > bytes.length * 8) {
                throw new IllegalArgumentException("prefix out of range in " + notation);
            }
            return new CidrBlock(trimmed, bytes, prefix);
        } catch (UnknownHostException | NumberFormatException e) {
            throw new IllegalArgumentException("not a CIDR block: " + notation, e);
        }
    }

    boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        if (candidate.length != network.length) {
            return false;
        }
        int bits = network.length * 8;
        BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
                .xor(BigInteger.ONE.shiftLeft(bits - prefixLength).subtract(BigInteger.ONE));
        return new BigInteger(1, candidate).and(mask).equals(new BigInteger(1, network).and(mask));
    }
}
