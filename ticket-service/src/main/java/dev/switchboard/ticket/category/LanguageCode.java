package dev.switchboard.ticket.category;

import java.util.regex.Pattern;

/**
 * A language code as categories, fields and tickets carry it: ISO 639, optionally with a region or script
 * ({@code ko}, {@code en}, {@code zh-CN}). Names are translated per code, so one rule serves all three.
 */
public final class LanguageCode {

    private static final Pattern CODE = Pattern.compile("[a-z]{2,3}(-[A-Za-z0-9]{2,8})?");

    private LanguageCode() {
    }

    public static boolean valid(String code) {
        return code != null && CODE.matcher(code).matches();
    }
}
