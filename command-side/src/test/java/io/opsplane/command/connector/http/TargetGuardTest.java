package io.opsplane.command.connector.http;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TargetGuardTest {

    private final TargetGuard guard = new TargetGuard(List.of());

    @Test
    void alwaysRefusesLinkLocalMetadataSpecialPurposeAndMulticastAddresses() {
        for (String address : List.of("169.254.169.254", "169.254.0.1", "fe80::1", "fd00:ec2::254", "100.100.100.200",
                "192.0.0.192", "192.0.0.8", "0.0.0.0", "0.1.2.3", "::", "224.0.0.1", "239.255.255.250", "ff02::1")) {
            assertThat(guard.deniedBecause(parse(address))).as(address).isPresent();
        }
    }

    @Test
    void judgesAnIpv6AddressThatCarriesAnIpv4OneByThatIpv4Address() {
        for (String address : List.of("::ffff:169.254.169.254", "::169.254.169.254", "64:ff9b::a9fe:a9fe",
                "64:ff9b::100.100.100.200", "2002:a9fe:a9fe::1", "2002:c000:00c0::", "::ffff:0.0.0.0", "::e000:1")) {
            assertThat(guard.deniedBecause(parse(address))).as(address).isPresent();
        }
        assertThat(guard.deniedBecause(parse("64:ff9b::a9fe:a9fe"))).hasValueSatisfying(reason ->
                assertThat(reason).contains("169.254.169.254").contains("169.254.0.0/16"));
    }

    @Test
    void allowsLoopbackPrivateAndPublicAddressesUnlessConfigured() {
        for (String address : List.of("127.0.0.1", "::1", "10.1.2.3", "192.168.1.1", "172.16.0.1", "8.8.8.8",
                "2001:db8::1", "64:ff9b::808:808", "::ffff:10.0.0.1")) {
            assertThat(guard.deniedBecause(parse(address))).as(address).isEmpty();
        }
        TargetGuard strict = new TargetGuard(List.of("10.0.0.0/8", "127.0.0.0/8"));
        assertThat(strict.deniedBecause(parse("10.1.2.3"))).isPresent();
        assertThat(strict.deniedBecause(parse("::ffff:10.1.2.3"))).isPresent();
        assertThat(strict.deniedBecause(parse("64:ff9b::7f00:1"))).isPresent();
        assertThat(strict.deniedBecause(parse("192.168.1.1"))).isEmpty();
    }

    @Test
    void resolvesTheHostAndAnswersTheAddressItChecked() throws Exception {
        assertThat(guard.resolve(URI.create("http://127.0.0.1:8080/health"))).isEqualTo(parse("127.0.0.1"));
        assertThat(guard.resolve(URI.create("http://[::1]:8080/health"))).isEqualTo(parse("::1"));
        assertThat(guard.resolve(URI.create("http://localhost/")).isLoopbackAddress()).isTrue();
        assertThatThrownBy(() -> guard.resolve(URI.create("http://[64:ff9b::a9fe:a9fe]/latest/meta-data")))
                .isInstanceOf(TargetGuard.DeniedTargetException.class).hasMessageContaining("169.254.169.254");
        assertThatThrownBy(() -> guard.resolve(URI.create("http://0x7f.1/"))).isInstanceOfAny(
                TargetGuard.DeniedTargetException.class, java.net.UnknownHostException.class);
    }

    private static InetAddress parse(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
