/** Events published by a {@link dev.progressive.release.ReleasePlan}: its transitions. */
package dev.progressive.release.event;
