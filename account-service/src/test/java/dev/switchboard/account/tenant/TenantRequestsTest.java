package dev.switchboard.account.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import jakarta.validation.Validation;
import jakarta.validation.Validator;

class TenantRequestsTest {

    private final Validator validator = Validation.buildDefaultValidatorFactory().getValidator();

    private boolean acceptsServiceId(String serviceId) {
        var request = new TenantRequests.CreateTenantRequest(serviceId, "Org", "demo", null, null);
        return validator.validate(request).isEmpty();
    }

    @Test
    void aTenantCannotTakeAPathSegmentThePlatformUses() {
        for (String reserved : new String[] {"actuator", "Actuator", "operator", "OPERATOR", "api"}) {
            assertThat(acceptsServiceId(reserved)).as(reserved).isFalse();
        }
        for (String fine : new String[] {"demo", "actuators", "api2", "my-api", "operator_1"}) {
            assertThat(acceptsServiceId(fine)).as(fine).isTrue();
        }
    }
}
