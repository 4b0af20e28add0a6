/**
 * What a {@link dev.progressive.toggles.Toggles} tells its listeners: {@link FlagsChanged} after each snapshot swap
 * that changed flags ({@link dev.progressive.toggles.Toggles#onChange}).
 */
package dev.progressive.toggles.event;
