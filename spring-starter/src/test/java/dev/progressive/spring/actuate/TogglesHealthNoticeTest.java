package dev.progressive.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.toggles.source.SourceHealth;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/** A store that serves but works otherwise than configured says so in its health's details, and stays UP. */
class TogglesHealthNoticeTest {

  @Test
  void aStoreThatPollsForWantOfListenIsUpWithItsNotice() {
    String notice = "change notifications: polling every 5s, LISTEN unavailable: FATAL: sorry, too many clients "
        + "already";
    Health health = TogglesHealthContributor.storeHealth(new SourceHealth("store:jdbc", SourceHealth.Status.UP, null,
        Instant.EPOCH, null).withNotice(notice));

    assertThat(health.getStatus()).isEqualTo(Status.UP);
    assertThat(health.getDetails()).containsEntry("notice", notice);
  }

  @Test
  void noNoticeNoDetail() {
    Health health = TogglesHealthContributor.storeHealth(new SourceHealth("store:jdbc", SourceHealth.Status.UP, null,
        Instant.EPOCH, null));

    assertThat(health.getDetails()).doesNotContainKey("notice");
  }
}
