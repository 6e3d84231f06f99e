package io.opsplane.command.connector.http;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CidrBlockTest {

    @Test
    void matchesAddressesInsideAnIpv4Block() throws Exception {
        CidrBlock linkLocal = CidrBlock.parse("169.254.0.0/16");
        assertThat(linkLocal.contains(InetAddress.getByName("169.254.169.254"))).isTrue();
        assertThat(linkLocal.contains(InetAddress.getByName("169.255.0.1"))).isFalse();
        assertThat(linkLocal.contains(InetAddress.getByName("::1"))).isFalse();
    }

    @Test
    void matchesAddressesInsideAnIpv6Block() throws Exception {
        CidrBlock linkLocal = CidrBlock.parse("fe80::/10");
        assertThat(linkLocal.contains(InetAddress.getByName("fe80::1"))).isTrue();
        assertThat(linkLocal.contains(InetAddress.getByName("febf::1"))).isTrue();
        assertThat(linkLocal.contains(InetAddress.getByName("fec0::1"))).isFalse();
    }

    @Test
    void refusesWhatIsNotABlock() {
        assertThatThrownBy(() -> CidrBlock.parse("10.0.0.1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CidrBlock.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CidrBlock.parse("example.com/8")).isInstanceOf(IllegalArgumentException.class);
    }
}
