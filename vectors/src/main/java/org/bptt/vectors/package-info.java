/** See the module's README. */
package org.bptt.vectors;
