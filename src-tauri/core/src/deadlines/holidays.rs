//! US federal legal holidays (5 U.S.C. 6103) and business days, for rolling deadlines forward.

use jiff::civil::{Date, Weekday};

/// The federal holidays observed in `year`. A holiday on a Saturday is observed the Friday
/// before, one on a Sunday the Monday after.
pub fn federal_holidays(year: i16) -> Vec<Date> {
    let fixed = |month, day| observed(Date::new(year, month, day).expect("valid fixed date"));
    let nth = |month, weekday, n| {
        Date::new(year, month, 1)
            .expect("valid month")
            .nth_weekday_of_month(n, weekday)
            .expect("every month has a fourth weekday")
    };
    let mut days = vec![
        fixed(1, 1),
        nth(1, Weekday::Monday, 3),  // Birthday of Martin Luther King, Jr.
        nth(2, Weekday::Monday, 3),  // Washington's Birthday
        nth(5, Weekday::Monday, -1), // Memorial Day
        fixed(7, 4),
        nth(9, Weekday::Monday, 1),    // Labor Day
        nth(10, Weekday::Monday, 2),   // Columbus Day
        fixed(11, 11),                 // Veterans Day
        nth(11, Weekday::Thursday, 4), // Thanksgiving Day
        fixed(12, 25),
    ];
    if year >= 2021 {
        days.push(fixed(6, 19)); // Juneteenth National Independence Day
    }
    // New Year's Day of the next year may be observed on December 31 of this one.
    let next_new_year = observed(Date::new(year + 1, 1, 1).expect("valid date"));
    if next_new_year.year() == year {
        days.push(next_new_year);
    }
    days.sort();
    days
}

fn observed(day: Date) -> Date {
    match day.weekday() {
        Weekday::Saturday => day.yesterday().expect("in range"),
        Weekday::Sunday => day.tomorrow().expect("in range"),
        _ => day,
    }
}

pub fn is_business_day(day: Date) -> bool {
    !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday)
        && !federal_holidays(day.year()).contains(&day)
}

/// `day` itself if it is a business day, otherwise the next one.
pub fn next_business_day(mut day: Date) -> Date {
    while !is_business_day(day) {
        day = day.tomorrow().expect("in range");
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn holidays_of_2026_as_observed() {
        assert_eq!(
            federal_holidays(2026),
            [
                date(2026, 1, 1),
                date(2026, 1, 19),
                date(2026, 2, 16),
                date(2026, 5, 25),
                date(2026, 6, 19),
                date(2026, 7, 3), // July 4 is a Saturday
                date(2026, 9, 7),
                date(2026, 10, 12),
                date(2026, 11, 11),
                date(2026, 11, 26),
                date(2026, 12, 25),
            ]
        );
    }

    #[test]
    fn weekend_holidays_move_to_the_nearest_weekday() {
        // 2022: New Year's Day 2022 (Saturday) observed Friday 2021-12-31; Christmas (Sunday) on Monday.
        assert!(federal_holidays(2021).contains(&date(2021, 12, 31)));
        assert!(federal_holidays(2022).contains(&date(2022, 12, 26)));
        // Juneteenth 2022 was a Sunday: observed Monday June 20. Not a holiday before 2021.
        assert!(federal_holidays(2022).contains(&date(2022, 6, 20)));
        assert!(!federal_holidays(2020).iter().any(|d| d.month() == 6));
    }

    #[test]
    fn next_business_day_skips_weekends_and_holidays() {
        assert_eq!(next_business_day(date(2026, 11, 25)), date(2026, 11, 25)); // Wednesday
        assert_eq!(next_business_day(date(2026, 11, 26)), date(2026, 11, 27)); // Thanksgiving
        assert_eq!(next_business_day(date(2026, 7, 3)), date(2026, 7, 6)); // observed July 4, then weekend
        assert_eq!(next_business_day(date(2027, 1, 16)), date(2027, 1, 19)); // Sat, Sun, MLK Day
    }
}
