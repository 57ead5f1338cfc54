package io.redischat.sessions.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;

import jakarta.websocket.Session;

import org.junit.jupiter.api.Test;

import io.redischat.security.control.AddressBuckets;
import io.redischat.sessions.entity.ClientIdentity;

class MemoryBudgetTest {

    final MemoryBudget budget = new MemoryBudget(1000, 1000);

    ChatConnection connection() {
        Session socket = (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> method.getName().equals("isOpen") ? Boolean.TRUE : null);
        return new ChatConnection(socket, "s", new ClientIdentity("10.0.0.1", null, null), true, 1 << 20, budget);
    }

    @Test
    void messagesWaitingForTheStoreAreBoundedPerConnectionAndForTheWholeInstance() {
        ChatConnection first = connection();
        ChatConnection second = connection();
        assertTrue(first.tryStartWrite(10, 400, 500));
        assertFalse(first.tryStartWrite(10, 400, 500), "over its own 500 bytes");
        assertTrue(second.tryStartWrite(10, 500, 10_000));
        assertFalse(second.tryStartWrite(10, 200, 10_000), "the instance's 1000 bytes are taken");
        first.finishWrite(400);
        assertTrue(second.tryStartWrite(10, 200, 10_000));
        assertEquals(700, budget.writeBytes());
    }

    @Test
    void anAddressGetsItsBurstThenItsRate() {
        var buckets = new AddressBuckets(3, 0.001);
        assertTrue(buckets.available("a"));
        assertTrue(buckets.tryTake("a"));
        assertTrue(buckets.tryTake("a"));
        buckets.take("a");
        assertFalse(buckets.available("a"));
        assertFalse(buckets.tryTake("a"));
        assertTrue(buckets.tryTake("b"), "another address has its own");
    }
}
