/**
 * Coursework mode, {@code bptt explain}: for one small case, the unrolled network ({@link
 * org.bptt.coursework.UnrolledDiagram}), the closed form ({@link org.bptt.coursework.ClosedForm}), the tape and its
 * reverse sweep ({@link org.bptt.coursework.Tape}), the forward-mode recursion ({@link
 * org.bptt.coursework.ForwardMode}), the BPTT table ({@link org.bptt.coursework.BpttTable}), and the check of a
 * student's answers ({@link org.bptt.coursework.AnswerCheck}), for the Elman cell, the GRU and the LSTM (the
 * forward-mode recursion for the Elman cell only). See the module's README.
 */
package org.bptt.coursework;
