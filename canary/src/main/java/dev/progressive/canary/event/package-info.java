/** Events published by a {@link dev.progressive.canary.Canary}: transitions and verdicts. */
package dev.progressive.canary.event;
