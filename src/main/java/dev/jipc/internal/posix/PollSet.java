package dev.jipc.internal.posix;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.jipc.internal.libc.pollfd;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A {@code struct pollfd} array that its owner edits in place, each slot with an attachment (as
 * epoll's {@code data}): adding and removing a slot and changing its interest cost O(1), so a
 * readiness event costs the owner nothing in the number of fds; {@link #poll} itself, being
 * poll(2), is O(fds). A slot is a {@link Poller} key. Removal moves the last slot into the gap,
 * so slots are not stable: {@link #remove} returns the attachment of the slot it moved.
 *
 * <p>Confined: the thread that creates it is the only one to use it (its memory is a confined
 * arena's; the asserts say so first).
 *
 * <pre>{@code
 * try (PollSet<Void> set = new PollSet<>(1)) {
 *     set.add(fd, Posix.POLLIN, null);
 *     if (set.poll(5) > 0 && (set.revents(0) & Posix.POLLIN) != 0) { ... }
 * }
 * }</pre>
 *
 * @param <A> what the owner attaches to a slot
 */
public final class PollSet<A> implements Poller<A> {
    private static final long SLOT_BYTES = pollfd.layout().byteSize();
    private static final long FD = pollfd.fd$offset();
    private static final long EVENTS = pollfd.events$offset();
    private static final long REVENTS = pollfd.revents$offset();

    private final Thread owner = Thread.currentThread();
    /** Holds the arrays; old ones stay until close, which doubling bounds to the last one's size. */
    private final Arena arena = Arena.ofConfined();
    /** Where poll(2) saves errno. */
    private final CallState state = new CallState(arena);
    /** The {@code struct pollfd} array, {@link #size} slots in use. */
    private MemorySegment slots;
    /** Attachment of slot i at index i. */
    private Object[] attachments;
    /** Slots in use: 0 to size - 1. */
    private int size;

    /** @param capacity slots to allocate at first; more are allocated as needed */
    public PollSet(int capacity) {
        int c = Math.max(1, capacity);
        this.slots = arena.allocate(pollfd.layout(), c);
        this.attachments = new Object[c];
    }

    /** @return the slots in use */
    @Override
    public int size() {
        return size;
    }

    /** @return the new slot's index: {@link #size()} before the call */
    @Override
    public int add(int fd, short events, A attachment) {
        assert inOwner();
        if (size == attachments.length) {
            int capacity = 2 * size;
            MemorySegment grown = arena.allocate(pollfd.layout(), capacity);
            grown.copyFrom(slots);
            slots = grown;
            attachments = Arrays.copyOf(attachments, capacity);
        }
        int slot = size++;
        long at = slot * SLOT_BYTES;
        slots.set(JAVA_INT, at + FD, fd);
        slots.set(JAVA_SHORT, at + EVENTS, events);
        slots.set(JAVA_SHORT, at + REVENTS, (short) 0);
        attachments[slot] = attachment;
        return slot;
    }

    /**
     * Removes {@code slot} by moving the last slot, with its attachment and its revents, into it.
     * An owner iterating over the slots after a poll goes downwards, so the moved slot is one it
     * has seen already.
     *
     * @return the attachment of the slot moved into {@code slot}, or null if it was the last
     */
    @Override
    @SuppressWarnings("unchecked")
    public A remove(int slot) {
        check(slot);
        int last = --size;
        A moved = null;
        if (slot != last) {
            MemorySegment.copy(slots, last * SLOT_BYTES, slots, slot * SLOT_BYTES, SLOT_BYTES);
            attachments[slot] = attachments[last];
            moved = (A) attachments[slot];
        }
        attachments[last] = null;
        return moved;
    }

    @Override
    public int fd(int slot) {
        check(slot);
        return slots.get(JAVA_INT, slot * SLOT_BYTES + FD);
    }

    @Override
    public short events(int slot) {
        check(slot);
        return slots.get(JAVA_SHORT, slot * SLOT_BYTES + EVENTS);
    }

    /** Sets the slot's interest in place. */
    @Override
    public void events(int slot, short events) {
        check(slot);
        slots.set(JAVA_SHORT, slot * SLOT_BYTES + EVENTS, events);
    }

    /** @return what the last {@link #poll} reported for the slot */
    public short revents(int slot) {
        check(slot);
        return slots.get(JAVA_SHORT, slot * SLOT_BYTES + REVENTS);
    }

    @Override
    @SuppressWarnings("unchecked")
    public A attachment(int slot) {
        check(slot);
        return (A) attachments[slot];
    }

    /**
     * poll(2) over the slots in use; sets every slot's revents.
     *
     * @param timeoutMillis -1 to wait without a timeout
     * @return the number of slots with revents, or {@code -errno} (EINTR included)
     */
    public int poll(int timeoutMillis) {
        assert inOwner();
        int injected = FaultInjection.errnoFor("poll");
        if (injected != 0) {
            return -injected;
        }
        return Posix.poll(state, slots, size, timeoutMillis);
    }

    /**
     * {@link #poll(int)}, then visits the slots with revents downwards: a slot the visitor
     * removes takes the last one, already visited.
     */
    @Override
    public int poll(int timeoutMillis, Visitor<A> visitor) {
        int n = poll(timeoutMillis);
        int visited = 0;
        for (int slot = size - 1; slot >= 0 && visited < n; slot--) {
            short revents = revents(slot);
            if (revents != 0) {
                visited++;
                visitor.ready(slot, fd(slot), revents, attachment(slot));
            }
        }
        return n < 0 ? n : visited;
    }

    @Override
    public void close() {
        arena.close();
    }

    private boolean inOwner() {
        return Thread.currentThread() == owner;
    }

    private void check(int slot) {
        assert inOwner();
        if (slot < 0 || slot >= size) {
            throw new IndexOutOfBoundsException("slot " + slot + " of " + size);
        }
    }
}
