# SPDX-License-Identifier: Apache-2.0
# Texts in a chosen locale (label `cli`): `decide`, `case` and `store` give every text of a
# decision and of a case in `--locale`, and in the policy's `locale` without it
# (tests/cli/fixtures/locale/bilingual.yaml: every text in zh and en). Included by tests.cmake.
if(TARGET aftersale_cli)
  set(locale_dir "${aftersale_cli_fixtures}/locale")
  set(bilingual "${locale_dir}/bilingual.yaml")
  set(unshipped "${locale_dir}/unshipped.json")

  aftersale_cli_test(locale.decide_en EXIT 0 STDERR_EMPTY
                     STDOUT "steps       1\\. Contact the buyer about the reason\n            2\\. Approve the refund\n.*remark      \\[yellow\\] Refund before shipping\ndeadlines   contact_buyer  2026-11-23 11:00:00 CST \\(\\+08:00\\)  Contact the buyer\nlabels      customer: Your refund is being processed\n            agent: Contact the buyer, then refund\n$"
                     ARGS decide -p ${bilingual} -r ${unshipped} --locale en)
  # Without --locale: the policy's `locale` (zh).
  aftersale_cli_test(locale.decide_default EXIT 0 STDERR_EMPTY
                     STDOUT "steps       1\\. 联系买家确认退款原因\n            2\\. 同意退款\n.*remark      \\[yellow\\] 未发货退款\ndeadlines   contact_buyer  2026-11-23 11:00:00 CST \\(\\+08:00\\)  联系买家\nlabels      customer: 退款处理中\n            agent: 联系买家后退款\n$"
                     ARGS decide -p ${bilingual} -r ${unshipped})
  aftersale_cli_test(locale.decide_json_en EXIT 0 STDERR_EMPTY
                     STDOUT "\"locale\": \"en\",.*\"steps\": \\[\n    \"Contact the buyer about the reason\",\n    \"Approve the refund\"\n  \\],.*\"text\": \"Refund before shipping\".*\"clock\": \"contact_buyer\",\n      \"label\": \"Contact the buyer\",.*\"customer\": \"Your refund is being processed\",\n    \"agent\": \"Contact the buyer, then refund\""
                     ARGS decide -p ${bilingual} -r ${unshipped} --format json --locale en)
  # A locale the policy lacks falls back to the policy's `locale`.
  aftersale_cli_test(locale.decide_fallback EXIT 0 STDERR_EMPTY STDOUT "remark      \\[yellow\\] 未发货退款\n"
                     ARGS decide -p ${bilingual} -r ${unshipped} --locale fr)
  aftersale_cli_test(locale.not_a_tag EXIT 2 STDERR "--locale: `zh cn` is not a language tag such as zh or en"
                     ARGS decide -p ${bilingual} -r ${unshipped} "--locale=zh cn")

  # A case opened, then moved on, in English; then shown in the policy's locale (zh).
  set(locale_case "${CMAKE_CURRENT_BINARY_DIR}/locale_case.json")
  aftersale_cli_test(locale.case_open_en EXIT 0 STDERR_EMPTY
                     STDOUT "state       submitted  Submitted\n.*remark      \\[yellow\\] Refund before shipping\n.*clocks      contact_buyer  running  due 2026-11-23 11:00:00 CST \\(\\+08:00\\)  Contact the buyer\n"
                     ARGS case open ${bilingual} --request ${unshipped} -o ${locale_case} --force --locale en)
  aftersale_cli_test(locale.case_apply_en EXIT 0 STDERR_EMPTY
                     STDOUT "history     2026-11-23T02:30:00Z agent approve: submitted → refunded \\(remark yellow \"Refund approved\"\\)\nstate       refunded  Refunded  \\(terminal\\)\n.*clocks      contact_buyer  stopped  Contact the buyer\n"
                     ARGS case apply ${bilingual} ${locale_case} --event approve --as agent
                          --now 2026-11-23T10:30:00+08:00 --locale en)
  aftersale_cli_test(locale.case_show_default EXIT 0 STDERR_EMPTY
                     STDOUT "state       refunded  已退款  \\(terminal\\)\n.*remark      \\[yellow\\] 已同意退款\n.*clocks      contact_buyer  stopped  联系买家\n"
                     ARGS case show ${bilingual} ${locale_case} --now 2026-11-23T10:30:00+08:00)
  aftersale_cli_test(locale.case_show_json_en EXIT 0 STDERR_EMPTY
                     STDOUT "\"state\": \"refunded\",\n  \"label\": \"Refunded\",.*\"locale\": \"en\",.*\"text\": \"Refund approved\""
                     ARGS case show ${bilingual} ${locale_case} --now 2026-11-23T10:30:00+08:00 --format json --locale en)
  set_tests_properties(cli.locale.case_open_en PROPERTIES FIXTURES_SETUP locale_case)
  set_tests_properties(cli.locale.case_apply_en PROPERTIES FIXTURES_SETUP locale_case_applied FIXTURES_REQUIRED locale_case)
  set_tests_properties(cli.locale.case_show_default cli.locale.case_show_json_en PROPERTIES FIXTURES_REQUIRED locale_case_applied)
endif()

# A413: a text without one of `policy.locales`, exactly as lint prints it.
if(TARGET aftersale_cli)
  aftersale_cli_test(locale.lint_missing_locale EXIT 0 STDERR_EMPTY
                     STDOUT "^tests/lint/A413_missing_locale\\.yaml:14:40: warning\\[A413\\]: the label of clock `contact` has no `en` text, though `policy\\.locales` lists `zh` and `en`\n  help: write it as `{zh: \\.\\.\\., en: \\.\\.\\.}`; until then, readers in `en` see the `zh` text\n.*tests/lint/A413_missing_locale\\.yaml:22:69: warning\\[A413\\]: the agent label of rule `refund_all` has no `zh` text, though `policy\\.locales` lists `zh` and `en`\n  help: write it as `{zh: \\.\\.\\., en: \\.\\.\\.}`; until then, readers in `zh` see the `en` text\n.*\n0 errors, 4 warnings, 0 notes\n$"
                     ARGS lint tests/lint/A413_missing_locale.yaml)
  # The bilingual fixture is complete in both locales.
  aftersale_cli_test(locale.lint_complete EXIT 0 STDERR_EMPTY STDOUT "^0 errors, 0 warnings, 0 notes\n$"
                     ARGS lint ${aftersale_cli_fixtures}/locale/bilingual.yaml)
endif()

# aftersale test: `locale:` of a file or a case, expected steps, remark texts and labels in it.
if(TARGET aftersale_cli)
  aftersale_cli_test(locale.test_pass EXIT 0 STDERR_EMPTY STDOUT "^3 passed, 0 failed\n$"
                     ARGS test tests/cli/fixtures/locale/texts.test.yaml)
  aftersale_cli_test(locale.test_fail EXIT 1
                     STDOUT "^FAIL tests/cli/fixtures/locale/wrong_text\\.test\\.yaml:6: English expected, Chinese written\n  tests/cli/fixtures/locale/wrong_text\\.test\\.yaml:10: expected steps \\(locale `en`\\) \\[联系买家确认退款原因, 同意退款\\], got \\[Contact the buyer about the reason, Approve the refund\\]\n  tests/cli/fixtures/locale/wrong_text\\.test\\.yaml:11: expected remark_text \\(locale `en`\\) `未发货退款`, got `Refund before shipping`\n  tests/cli/fixtures/locale/wrong_text\\.test\\.yaml:12: expected customer label \\(locale `en`\\) `退款处理中`, got `Your refund is being processed`\n0 passed, 1 failed\n$"
                     ARGS test tests/cli/fixtures/locale/wrong_text.test.yaml)
endif()
