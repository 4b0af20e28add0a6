/** The release plan's state store, driver, lease, gates and meters; not part of the API. */
package dev.progressive.release.internal;
