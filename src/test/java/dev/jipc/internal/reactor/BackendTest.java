package dev.jipc.internal.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BackendTest {

    @Test
    void unsetOrBlankIsEpollOnLinuxAndPollElsewhere() {
        assertEquals(Backend.EPOLL, Backend.parse(null, "Linux"));
        assertEquals(Backend.EPOLL, Backend.parse(" ", "Linux"));
        assertEquals(Backend.POLL, Backend.parse(null, "Mac OS X"));
    }

    @Test
    void eachBackendByItsValue() {
        assertEquals(Backend.POLL, Backend.parse("poll", "Linux"));
        assertEquals(Backend.EPOLL, Backend.parse("epoll", "Linux"));
        assertEquals(Backend.EPOLL, Backend.parse(" EPoll ", "Linux"));
    }

    @Test
    void anUnknownValueIsRefusedWithTheAllowedOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backend.parse("kqueue", "Linux"));
        assertEquals("-Djipc.reactor=kqueue names no reactor backend; allowed: poll, epoll (Linux)", e.getMessage());
    }

    @Test
    void epollOffLinuxIsRefusedAndPollIsNot() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backend.parse("epoll", "Mac OS X"));
        assertTrue(e.getMessage().contains("epoll is Linux only"), e.getMessage());
        assertTrue(e.getMessage().contains("-Djipc.reactor=poll"), e.getMessage());
        assertEquals(Backend.POLL, Backend.parse("poll", "Mac OS X"));
    }

    @Test
    void theConfiguredBackendIsTheOneThePropertyNames() {
        assertEquals(Backend.parse(System.getProperty(Backend.PROPERTY), System.getProperty("os.name")), Backend.configured());
    }
}
