package dev.jipc.internal.child;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.jipc.ChildTask;
import dev.jipc.internal.pipe.HandleTransfer;
import java.io.Serial;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;

class RehearsalTest {
    /** What the last restored sample saw of its captures. */
    static volatile String seen;

    private static ChildTask sample(String text, int number, Object any) {
        return () -> seen = text + ":" + number + ":" + any;
    }

    private static ChildTask other(String text) {
        return () -> seen = text;
    }

    @Test
    void aRehearsalKeepsCapturedPrimitivesAndDropsEveryReference() throws Exception {
        ChildTask task = sample("secret", 7, new ArrayList<>());
        HandleTransfer.Captured captured = HandleTransfer.capture(task);
        assertNotNull(captured.lambda());
        byte[] rehearsal = Rehearsal.of(captured.lambda(), task.getClass());
        assertNotNull(rehearsal);
        ChildTask restored = (ChildTask) HandleTransfer.restore(rehearsal, new int[0]);
        restored.run();
        assertEquals("null:7:null", seen);
    }

    @Test
    void theKeyTellsLambdasApartAndNotTheirInstances() {
        String a = Rehearsal.key(HandleTransfer.capture(sample("a", 1, null)).lambda());
        String b = Rehearsal.key(HandleTransfer.capture(sample("b", 2, "two")).lambda());
        String c = Rehearsal.key(HandleTransfer.capture(other("c")).lambda());
        assertEquals(a, b);
        assertNotEquals(a, c);
    }

    /** A task that is a class of its own, not a lambda. */
    private static final class Named implements ChildTask {
        @Serial
        private static final long serialVersionUID = 1L;

        @Override
        public void run() {
        }
    }

    @Test
    void aTaskThatIsNoLambdaHasNothingToRehearse() {
        assertNull(HandleTransfer.capture(new Named()).lambda());
    }

    @Test
    void aRehearsalThatCannotBeDeserializedIsDropped() {
        assertDoesNotThrow(() -> Rehearsal.perform(new byte[] {1, 2, 3}));
    }
}
