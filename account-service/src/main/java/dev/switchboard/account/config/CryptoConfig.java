package dev.switchboard.account.config;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.switchboard.platform.crypto.HybridSeal;
import dev.switchboard.platform.crypto.SecretBox;

@Configuration(proxyBeanMethods = false)
class CryptoConfig {

    @Bean
    SecretBox secretBox(AccountProperties properties) {
        return new SecretBox(properties.secretsKeyset());
    }

    @Bean
    HybridSeal.Sealer edgeSealer(AccountProperties properties) {
        return new HybridSeal.Sealer(properties.edgePublicKeyset());
    }
}
