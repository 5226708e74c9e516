//! The results of a run: proposals with their explanations, the children left unplaced with
//! the change that would place them, and the optimizer beside the greedy baseline.

use std::collections::HashMap;

use crate::domain::access::Action;
use iced::widget::{button, checkbox, column, container, row, text, text_input};
use iced::{Alignment, Element, Length};

use super::*;
use crate::domain::advice::{GiveWay, HintCheck};
use crate::i18n::km;

impl Screen {
    pub(super) fn results_view<'a>(
        &'a self,
        outcome: &'a Outcome,
        env: &Env<'a>,
    ) -> Element<'a, Message> {
        let lang = env.lang;
        let t = |key: &str| tr(lang, key);
        let plan = &outcome.plan;
        let mut summary = tr_args(
            lang,
            "matching.summary",
            &[
                ("placed", plan.placements.len().to_string()),
                ("unplaced", plan.unplaced.len().to_string()),
                ("objective", format!("{:.1}", plan.objective)),
                ("ms", outcome.elapsed_ms.to_string()),
            ],
        );
        summary.push_str(" · ");
        if plan.placements.is_empty() && plan.unplaced.is_empty() {
            // Nothing to match is not a proof of anything.
            summary = t("matching.nothing_to_match");
        } else if plan.proven_optimal {
            summary.push_str(&t("matching.proven"));
        } else {
            // How far from the best it may be, in plain words.
            let gap = plan.gap().map(|gap| gap * 100.0);
            summary.push_str(&match gap {
                Some(gap) => tr_args(
                    lang,
                    "matching.not_proven_gap",
                    &[("gap", format!("{gap:.1}"))],
                ),
                None => t("matching.not_proven"),
            });
        }
        let w = outcome.weights;
        let mut header = column![
            text(summary).size(15),
            text(tr_args(
                lang,
                "matching.value_help",
                &[
                    ("place", number_text(w.place)),
                    ("km", number_text(w.km)),
                    ("language", number_text(w.language)),
                    ("split", number_text(w.split)),
                ],
            ))
            .size(13)
            .style(style::muted_text)
        ]
        .spacing(4);
        if let Some((child, relaxation)) = &outcome.what_if {
            // Worded in the language on screen now, not the one of the run.
            let what_if = format!("{child}: {}", relaxation_text(lang, relaxation));
            header = header.push(
                text(tr_args(
                    lang,
                    "matching.what_if_note",
                    &[("change", what_if)],
                ))
                .size(14)
                .style(style::heading_text),
            );
        }
        let tab = |view: ResultView, key: &str, count: Option<usize>| {
            let label = match count {
                Some(n) => format!("{} ({n})", t(key)),
                None => t(key),
            };
            button(text(label).size(14))
                .on_press(Message::View(view))
                .style(if self.view == view {
                    button::primary
                } else {
                    button::secondary
                })
        };
        let tabs = row![
            tab(
                ResultView::Proposals,
                "matching.proposals",
                Some(plan.placements.len())
            ),
            tab(
                ResultView::Unplaced,
                "matching.unplaced",
                Some(plan.unplaced.len())
            ),
            tab(ResultView::Compare, "matching.compare", None),
        ]
        .spacing(8);
        let body = match self.view {
            ResultView::Proposals => self.proposals_view(outcome, env),
            ResultView::Unplaced => self.unplaced_view(outcome, env),
            ResultView::Compare => compare_view(outcome, env),
        };
        column![header, tabs, body].spacing(10).into()
    }

    fn proposals_view<'a>(&'a self, outcome: &'a Outcome, env: &Env<'a>) -> Element<'a, Message> {
        let lang = env.lang;
        let t = |key: &str| tr(lang, key);
        let name = |code: &str| outcome.names.get(code).cloned().unwrap_or_default();
        let placements = &outcome.plan.placements;
        let start = self.page * PAGE_SIZE;
        let mut list = column![table_row(
            [
                (
                    checkbox(!placements.is_empty() && self.chosen.len() == placements.len())
                        .on_toggle_maybe(
                            outcome
                                .what_if
                                .is_none()
                                .then_some(Message::ChooseAll as fn(bool) -> Message),
                        )
                        .into(),
                    30.0
                ),
                (text(t("matching.child")).size(13).into(), 0.0),
                (text(t("matching.family")).size(13).into(), 0.0),
                (text(t("matching.distance")).size(13).into(), 90.0),
                (text(t("matching.value")).size(13).into(), 80.0),
            ]
            .into_iter()
        )]
        .spacing(2);
        for (index, p) in placements.iter().enumerate().skip(start).take(PAGE_SIZE) {
            let choose: Element<'a, Message> = if outcome.sent.contains(&index) {
                text("✓").size(14).style(style::success_text).into()
            } else {
                checkbox(self.chosen.contains(&index))
                    .on_toggle_maybe(
                        outcome
                            .can_send(index)
                            .then_some(move |on| Message::Choose(index, on)),
                    )
                    .into()
            };
            let cells = [
                (choose, 30.0),
                (
                    text(format!("{} · {}", p.child, name(&p.child)))
                        .size(14)
                        .into(),
                    0.0,
                ),
                (
                    text(format!("{} · {}", p.family, name(&p.family)))
                        .size(14)
                        .into(),
                    0.0,
                ),
                (text(km(lang, p.distance_km, 1)).size(14).into(), 90.0),
                (
                    text(format!("{:.0}", p.explanation.value)).size(14).into(),
                    80.0,
                ),
            ];
            list = list.push(
                button(table_row(cells.into_iter()))
                    .on_press(Message::Select(index))
                    .style(if self.selected == Some(index) {
                        button::secondary
                    } else {
                        button::text
                    })
                    .padding([2, 6])
                    .width(Length::Fill),
            );
        }
        let mut sessions: Vec<Choice<Option<i64>>> = vec![Choice {
            value: None,
            label: t("matching.choose_session"),
        }];
        sessions.extend(self.sessions.iter().map(|s| Choice {
            value: Some(s.id),
            label: format!("{} · {}", format_date(s.date), s.chair),
        }));
        let send = row![
            text(tr_args(
                lang,
                "matching.chosen",
                &[("count", self.chosen.len().to_string())]
            ))
            .size(14),
            container(choice_list(
                sessions,
                &self.target_session,
                Message::TargetSession
            ))
            .width(Length::Fixed(320.0)),
            button(text(t("matching.send")).size(14)).on_press_maybe(
                (!self.chosen.is_empty() && env.may(Action::ProposePlacements))
                    .then_some(Message::Send),
            ),
        ]
        .spacing(12)
        .align_y(Alignment::Center);
        // A what-if plan is for looking: its rules were relaxed, so it cannot go to a panel.
        let send: Element<'a, Message> = if outcome.what_if.is_some() {
            text(t("matching.what_if_not_sendable"))
                .size(14)
                .style(style::error_text)
                .into()
        } else {
            send.into()
        };
        let mut content = column![
            send,
            pager(lang, self.page, PAGE_SIZE, placements.len(), Message::Page),
            list
        ]
        .spacing(8);
        if let Some(error) = error_of(lang, &self.errors, "session") {
            content = content.push(text(error).size(13).style(style::error_text));
        }
        let detail: Element<'a, Message> = match self.selected.and_then(|i| placements.get(i)) {
            Some(p) => self.explanation_view(self.selected.unwrap_or(0), p, outcome, env),
            None => text(t("matching.select_hint"))
                .size(14)
                .style(style::muted_text)
                .into(),
        };
        row![
            container(content).width(Length::FillPortion(3)),
            container(detail).width(Length::FillPortion(2))
        ]
        .spacing(16)
        .into()
    }

    fn explanation_view<'a>(
        &'a self,
        index: usize,
        p: &'a crate::matching::Placement,
        outcome: &'a Outcome,
        env: &Env<'a>,
    ) -> Element<'a, Message> {
        let lang = env.lang;
        let t = |key: &str| tr(lang, key);
        let e = &p.explanation;
        let name = |code: &str| outcome.names.get(code).cloned().unwrap_or_default();
        let mut rules = column![].spacing(4);
        for outcome_rule in &e.rules {
            let mark = if outcome_rule.passed { "✓" } else { "✗" };
            let (child_side, family_side) = rule_values(lang, outcome_rule);
            rules = rules.push(
                row![
                    text(mark).size(15).width(Length::Fixed(20.0)),
                    text(rule_label(lang, outcome_rule.rule()))
                        .size(14)
                        .width(Length::Fixed(150.0)),
                    text(child_side).size(14).width(Length::Fill),
                    text(family_side).size(14).width(Length::Fill),
                ]
                .spacing(6),
            );
        }
        let language = tr_args(
            lang,
            if e.language.fits {
                "matching.language_fits"
            } else {
                "matching.language_mismatch"
            },
            &[
                ("child", languages(lang, &e.language.child)),
                ("family", languages(lang, &e.language.family)),
            ],
        );
        let mut facts = column![
            text(format!("{} → {}", p.child, p.family)).size(17),
            text(format!("{} · {}", name(&p.child), name(&p.family))).size(14),
            text(tr_args(
                lang,
                "matching.distance_of",
                &[
                    ("km", format!("{:.1}", e.distance_km)),
                    ("limit", format!("{:.0}", e.limit_km))
                ]
            ))
            .size(14),
            text(language).size(14),
            text(tr_args(
                lang,
                "matching.value_of",
                &[("value", format!("{:.1}", e.value))]
            ))
            .size(14),
        ]
        .spacing(4);
        if let Some(s) = &e.siblings {
            facts = facts.push(
                text(tr_args(
                    lang,
                    if s.must_stay_together {
                        "matching.siblings_together"
                    } else {
                        "matching.siblings_may_split"
                    },
                    &[
                        ("group", s.group.clone()),
                        (
                            "with",
                            if s.placed_with.is_empty() {
                                t("matching.no_sibling_here")
                            } else {
                                s.placed_with.join(", ")
                            },
                        ),
                    ],
                ))
                .size(14),
            );
        }
        let mut alternatives = column![
            text(tr_args(
                lang,
                "matching.alternatives",
                &[("count", e.alternatives_total.to_string())]
            ))
            .size(15)
        ]
        .spacing(3);
        for a in &e.alternatives {
            let why = match &a.why_not {
                NotChosen::Full { taken_by } => tr_args(
                    lang,
                    "matching.why_full",
                    &[("children", taken_by.join(", "))],
                ),
                NotChosen::GroupLimit { taken_by } => tr_args(
                    lang,
                    "matching.why_group_limit",
                    &[("children", taken_by.join(", "))],
                ),
                NotChosen::LowerValue => t("matching.why_lower_value"),
            };
            alternatives = alternatives.push(
                text(format!(
                    "{} · {} · {:.0} — {why}",
                    a.family,
                    km(lang, a.distance_km, 1),
                    a.value
                ))
                .size(13),
            );
        }
        // Locks, exclusions and packs act on the registry: not from a what-if run.
        let real = outcome.what_if.is_none();
        let mut actions = column![
            row![
                button(text(t("matching.lock")).size(14))
                    .on_press_maybe(real.then_some(Message::Lock(index)))
                    .style(button::secondary),
                text_input(&t("matching.exclude_reason"), &self.exclude_reason)
                    .id("exclude_reason")
                    .on_input(Message::ExcludeReason)
                    .padding(6),
                button(text(t("matching.exclude")).size(14))
                    .on_press_maybe(real.then_some(Message::Exclude(index)))
                    .style(button::danger),
                button(text(t("pack.print")).size(14))
                    .on_press_maybe(real.then_some(Message::Print(index)))
                    .style(button::secondary),
            ]
            .spacing(8)
            .align_y(Alignment::Center),
        ];
        if let Some(error) = error_of(lang, &self.errors, "exclude_reason") {
            actions = actions.push(text(error).size(13).style(style::error_text));
        }
        section(
            t("matching.explanation"),
            column![facts, rules, alternatives, actions].spacing(10),
        )
    }

    fn unplaced_view<'a>(&'a self, outcome: &'a Outcome, env: &Env<'a>) -> Element<'a, Message> {
        let lang = env.lang;
        let t = |key: &str| tr(lang, key);
        let name = |code: &str| outcome.names.get(code).cloned().unwrap_or_default();
        let unplaced = &outcome.plan.unplaced;
        let mut list = column![pager(
            lang,
            self.page,
            PAGE_SIZE,
            unplaced.len(),
            Message::Page
        )]
        .spacing(8);
        for (index, u) in unplaced
            .iter()
            .enumerate()
            .skip(self.page * PAGE_SIZE)
            .take(PAGE_SIZE)
        {
            let mut entry =
                column![text(format!("{} · {}", u.child, name(&u.child))).size(15)].spacing(3);
            for reason in &u.reasons {
                entry = entry.push(text(reason_text(lang, reason)).size(13));
            }
            if let Some(r) = &u.relaxation {
                entry = entry.push(
                    row![
                        text(relaxation_text(lang, r))
                            .size(13)
                            .style(style::success_text),
                        button(text(t("matching.try_what_if")).size(13))
                            .on_press_maybe(
                                self.job.is_none().then_some(Message::TryRelaxation(index))
                            )
                            .style(button::secondary)
                            .padding([2, 8]),
                    ]
                    .spacing(10)
                    .align_y(Alignment::Center),
                );
            }
            match (&u.hint_check, &u.give_way) {
                (HintCheck::NoSingleChange, Some(give_way)) => {
                    entry = entry.push(text(give_way_text(lang, give_way)).size(13));
                }
                (HintCheck::NoSingleChange, None) => {
                    entry = entry.push(
                        text(t("matching.no_single_change"))
                            .size(13)
                            .style(style::muted_text),
                    );
                }
                (HintCheck::NotChecked, _) => {
                    entry = entry.push(
                        text(t("matching.hint_not_checked"))
                            .size(13)
                            .style(style::muted_text),
                    );
                }
                (HintCheck::Verified, _) => {}
            }
            list = list.push(container(entry).padding(8).style(style::section));
        }
        list.into()
    }
}

fn compare_view<'a>(outcome: &'a Outcome, env: &Env<'a>) -> Element<'a, Message> {
    let lang = env.lang;
    let t = |key: &str| tr(lang, key);
    let opt = &outcome.plan;
    let greedy = &opt.baseline;
    let opt_km = opt.placements.iter().map(|p| p.distance_km).sum::<f64>();
    let line = |key: &str, a: String, b: String| {
        row![
            text(t(key)).size(14).width(Length::Fixed(260.0)),
            text(a).size(14).width(Length::Fixed(160.0)),
            text(b).size(14).width(Length::Fixed(160.0)),
        ]
        .spacing(10)
    };
    let more = opt.placements.len() as i64 - greedy.placed as i64;
    let fewer_km = greedy.total_km - opt_km;
    let mut content = column![
        line(
            "matching.measure",
            t("matching.optimizer"),
            t("matching.greedy")
        ),
        line(
            "matching.placed",
            opt.placements.len().to_string(),
            greedy.placed.to_string()
        ),
        line(
            "matching.total_km",
            format!("{opt_km:.1}"),
            format!("{:.1}", greedy.total_km)
        ),
        line(
            "matching.objective",
            format!("{:.1}", opt.objective),
            format!("{:.1}", greedy.objective)
        ),
        text(compare_sentence(
            lang,
            more,
            fewer_km,
            outcome.differing.len()
        ))
        .size(15),
    ]
    .spacing(6);
    let none = t("matching.not_placed");
    for (child, a, b) in outcome.differing.iter().take(200) {
        content = content.push(
            text(format!(
                "{child}: {} / {}",
                a.clone().unwrap_or_else(|| none.clone()),
                b.clone().unwrap_or_else(|| none.clone())
            ))
            .size(13),
        );
    }
    content.into()
}

/// Children placed differently by the optimizer and the baseline: (child, optimizer's family,
/// greedy's family).
pub(super) fn differing(plan: &Plan) -> Vec<(String, Option<String>, Option<String>)> {
    let a: HashMap<&str, &str> = plan
        .placements
        .iter()
        .map(|p| (p.child.as_str(), p.family.as_str()))
        .collect();
    let b: HashMap<&str, &str> = plan
        .baseline
        .placements
        .iter()
        .map(|p| (p.child.as_str(), p.family.as_str()))
        .collect();
    let mut children: Vec<&str> = a.keys().chain(b.keys()).copied().collect();
    children.sort_unstable();
    children.dedup();
    children
        .into_iter()
        .filter(|c| a.get(c) != b.get(c))
        .map(|c| {
            (
                c.to_owned(),
                a.get(c).map(|f| (*f).to_owned()),
                b.get(c).map(|f| (*f).to_owned()),
            )
        })
        .collect()
}

fn languages(lang: Lang, codes: &[crate::domain::Language]) -> String {
    if codes.is_empty() {
        return tr(lang, "common.not_recorded");
    }
    codes
        .iter()
        .map(|l| tr(lang, &l.locale_key()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One reason a child was left unplaced, in the interface language.
pub fn reason_text(lang: Lang, reason: &UnplacedReason) -> String {
    match reason {
        UnplacedReason::NoCompatibleFamily {
            eligible_families,
            removed_by,
            ineligible,
        } => {
            let mut parts: Vec<String> = removed_by
                .iter()
                .map(|(rule, count)| format!("{} {count}", rule_label(lang, *rule)))
                .collect();
            let not_eligible: usize = ineligible.values().sum();
            if not_eligible > 0 {
                parts.push(tr_args(
                    lang,
                    "matching.ineligible_families",
                    &[("count", not_eligible.to_string())],
                ));
            }
            tr_args(
                lang,
                "matching.reason_no_family",
                &[
                    ("eligible", eligible_families.to_string()),
                    ("rules", parts.join("; ")),
                ],
            )
        }
        UnplacedReason::GroupDoesNotFit {
            group,
            size,
            families,
        } => tr_args(
            lang,
            "matching.reason_group",
            &[
                ("group", group.clone()),
                ("size", size.to_string()),
                ("families", families.join(", ")),
            ],
        ),
        UnplacedReason::TakenByHigherValuedMatches { families } => {
            let list: Vec<String> = families
                .iter()
                .take(5)
                .map(|f| format!("{} ({})", f.family, f.taken_by.join(", ")))
                .collect();
            tr_args(
                lang,
                "matching.reason_taken",
                &[
                    ("count", families.len().to_string()),
                    ("families", list.join("; ")),
                ],
            )
        }
    }
}

/// The optimizer against the baseline in words that make sense for every sign.
fn compare_sentence(lang: Lang, more: i64, fewer_km: f64, differ: usize) -> String {
    let placed = match more.cmp(&0) {
        std::cmp::Ordering::Greater => tr_args(
            lang,
            "matching.compare_more",
            &[("count", more.to_string())],
        ),
        std::cmp::Ordering::Equal => tr(lang, "matching.compare_same"),
        std::cmp::Ordering::Less => tr_args(
            lang,
            "matching.compare_fewer",
            &[("count", (-more).to_string())],
        ),
    };
    let km = if fewer_km > 0.05 {
        tr_args(
            lang,
            "matching.compare_km_less",
            &[("km", format!("{fewer_km:.1}"))],
        )
    } else if fewer_km < -0.05 {
        tr_args(
            lang,
            "matching.compare_km_more",
            &[("km", format!("{:.1}", -fewer_km))],
        )
    } else {
        tr(lang, "matching.compare_km_same")
    };
    tr_args(
        lang,
        "matching.compare_summary",
        &[
            ("placed", placed),
            ("km", km),
            ("differ", differ.to_string()),
        ],
    )
}

/// Where no single change places the child: what locking it with its best family would move.
fn give_way_text(lang: Lang, give_way: &GiveWay) -> String {
    let none = tr(lang, "matching.not_placed");
    let moves: Vec<String> = give_way
        .displaced
        .iter()
        .map(|d| {
            format!(
                "{} ({} → {})",
                d.child,
                d.was,
                d.now.clone().unwrap_or_else(|| none.clone())
            )
        })
        .collect();
    tr_args(
        lang,
        "matching.give_way",
        &[
            ("family", give_way.family.clone()),
            ("children", moves.join(", ")),
            ("value", format!("{:.0}", -give_way.value_change)),
        ],
    )
}

/// What a run is doing, in words: its stage and, once components are solved, the best plan so
/// far, its bound and how far it may be from the best.
pub(super) fn progress_text(lang: Lang, progress: Option<&Progress>) -> String {
    let Some(p) = progress else {
        return tr(lang, "matching.stage_model");
    };
    let stage = tr(
        lang,
        match p.stage {
            Stage::Model => "matching.stage_model",
            Stage::Solving => "matching.stage_solving",
            Stage::Explaining => "matching.stage_explaining",
            Stage::Hints => {
                return tr_args(
                    lang,
                    "matching.stage_hints",
                    &[
                        ("done", p.components_done.to_string()),
                        ("total", p.components.to_string()),
                    ],
                );
            }
        },
    );
    match (p.best, p.bound, p.gap()) {
        (Some(best), Some(bound), Some(gap)) => tr_args(
            lang,
            "matching.progress_bound",
            &[
                ("stage", stage),
                ("done", p.components_done.to_string()),
                ("total", p.components.to_string()),
                ("best", format!("{best:.0}")),
                ("bound", format!("{bound:.0}")),
                ("gap", format!("{:.1}", gap * 100.0)),
            ],
        ),
        (Some(best), _, _) => tr_args(
            lang,
            "matching.progress_best",
            &[("stage", stage), ("best", format!("{best:.0}"))],
        ),
        _ => stage,
    }
}
