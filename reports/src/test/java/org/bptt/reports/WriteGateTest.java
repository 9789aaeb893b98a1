package org.bptt.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The order a shutdown hook relies on: wait for writes in flight, then the final writes, then refuse the rest. */
class WriteGateTest {

    private static final Path TARGET = Path.of("verify-cases.csv");

    @Test
    void stoppingWaitsForTheWriteInFlightThenRunsTheFinalWritesThenRefusesLaterWrites() throws Exception {
        WriteGate gate = new WriteGate();
        List<String> events = new CopyOnWriteArrayList<>();
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch mayFinish = new CountDownLatch(1);
        Thread writer = new Thread(() -> {
            try {
                gate.begin(TARGET);
                try {
                    writing.countDown();
                    mayFinish.await();
                    events.add("write in flight ended");
                } finally {
                    gate.end();
                }
            } catch (Exception e) {
                events.add("writer failed: " + e);
            }
        });
        writer.start();
        writing.await();

        Thread stopper = new Thread(() -> {
            try {
                gate.stopAfter(() -> {
                    gate.begin(TARGET); // the stopping thread itself may still write
                    gate.end();
                    events.add("final writes");
                });
            } catch (Exception e) {
                events.add("stop failed: " + e);
            }
        });
        stopper.start();
        stopper.join(300);
        assertTrue(stopper.isAlive(), "stopAfter must wait for the write in flight");
        assertEquals(List.of(), events);

        mayFinish.countDown();
        stopper.join(TimeUnit.SECONDS.toMillis(10));
        writer.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(stopper.isAlive());
        assertEquals(List.of("write in flight ended", "final writes"), events);

        assertThrows(WriteGate.WritesStoppedException.class, () -> gate.begin(TARGET));
    }

    @Test
    void writesDoNotWaitForEachOther() throws Exception {
        WriteGate gate = new WriteGate();
        gate.begin(TARGET);
        Thread other = new Thread(() -> {
            try {
                gate.begin(TARGET);
                gate.end();
            } catch (WriteGate.WritesStoppedException e) {
                throw new AssertionError(e);
            }
        });
        other.start();
        other.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(other.isAlive(), "a second write waited for the first");
        gate.end();
    }
}
