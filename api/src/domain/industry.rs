//! Industry names of the national classification GB/T 4754-2017 (国民经济行业分类), for labels in
//! reports. An enterprise's industry is stored as its code (`C39`: section letter and two-digit
//! division); the divisions named here are the patent-intensive ones, every other code is named by
//! its section.

use crate::error::{ApiError, bad};

/// The 20 sections (门类).
const SECTIONS: [(char, &str); 20] = [
    ('A', "农、林、牧、渔业"),
    ('B', "采矿业"),
    ('C', "制造业"),
    ('D', "电力、热力、燃气及水生产和供应业"),
    ('E', "建筑业"),
    ('F', "批发和零售业"),
    ('G', "交通运输、仓储和邮政业"),
    ('H', "住宿和餐饮业"),
    ('I', "信息传输、软件和信息技术服务业"),
    ('J', "金融业"),
    ('K', "房地产业"),
    ('L', "租赁和商务服务业"),
    ('M', "科学研究和技术服务业"),
    ('N', "水利、环境和公共设施管理业"),
    ('O', "居民服务、修理和其他服务业"),
    ('P', "教育"),
    ('Q', "卫生和社会工作"),
    ('R', "文化、体育和娱乐业"),
    ('S', "公共管理、社会保障和社会组织"),
    ('T', "国际组织"),
];

/// Divisions (大类) of manufacturing, information technology, research and environment.
const DIVISIONS: [(&str, &str); 44] = [
    ("13", "农副食品加工业"),
    ("14", "食品制造业"),
    ("15", "酒、饮料和精制茶制造业"),
    ("16", "烟草制品业"),
    ("17", "纺织业"),
    ("18", "纺织服装、服饰业"),
    ("19", "皮革、毛皮、羽毛及其制品和制鞋业"),
    ("20", "木材加工和木、竹、藤、棕、草制品业"),
    ("21", "家具制造业"),
    ("22", "造纸和纸制品业"),
    ("23", "印刷和记录媒介复制业"),
    ("24", "文教、工美、体育和娱乐用品制造业"),
    ("25", "石油、煤炭及其他燃料加工业"),
    ("26", "化学原料和化学制品制造业"),
    ("27", "医药制造业"),
    ("28", "化学纤维制造业"),
    ("29", "橡胶和塑料制品业"),
    ("30", "非金属矿物制品业"),
    ("31", "黑色金属冶炼和压延加工业"),
    ("32", "有色金属冶炼和压延加工业"),
    ("33", "金属制品业"),
    ("34", "通用设备制造业"),
    ("35", "专用设备制造业"),
    ("36", "汽车制造业"),
    ("37", "铁路、船舶、航空航天和其他运输设备制造业"),
    ("38", "电气机械和器材制造业"),
    ("39", "计算机、通信和其他电子设备制造业"),
    ("40", "仪器仪表制造业"),
    ("41", "其他制造业"),
    ("42", "废弃资源综合利用业"),
    ("43", "金属制品、机械和设备修理业"),
    ("63", "电信、广播电视和卫星传输服务"),
    ("64", "互联网和相关服务"),
    ("65", "软件和信息技术服务业"),
    ("71", "租赁业"),
    ("72", "商务服务业"),
    ("73", "研究和试验发展"),
    ("74", "专业技术服务业"),
    ("75", "科技推广和应用服务业"),
    ("76", "水利管理业"),
    ("77", "生态保护和环境治理业"),
    ("78", "公共设施管理业"),
    ("79", "土地管理业"),
    ("83", "卫生"),
];

/// The divisions (大类) of each section, first and last: GB/T 4754-2017 numbers its 97
/// divisions 01–97 across the sections in order.
const DIVISION_RANGES: [(char, u8, u8); 20] = [
    ('A', 1, 5),
    ('B', 6, 12),
    ('C', 13, 43),
    ('D', 44, 46),
    ('E', 47, 50),
    ('F', 51, 52),
    ('G', 53, 60),
    ('H', 61, 62),
    ('I', 63, 65),
    ('J', 66, 69),
    ('K', 70, 70),
    ('L', 71, 72),
    ('M', 73, 75),
    ('N', 76, 79),
    ('O', 80, 82),
    ('P', 83, 83),
    ('Q', 84, 85),
    ('R', 86, 90),
    ('S', 91, 96),
    ('T', 97, 97),
];

/// An industry as an organisation states it: a GB/T 4754-2017 division code (`C39`: the
/// section's letter and a division of that section), upper-cased; empty is none. Anything else
/// (free text, a formula, a division of another section) is a 400 naming `field`.
pub fn parse_code(value: Option<&str>, field: &str) -> Result<Option<String>, ApiError> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let code = v.to_ascii_uppercase();
    let mut chars = code.chars();
    let section = chars.next();
    let division: String = chars.collect();
    let valid = division.len() == 2
        && division.bytes().all(|b| b.is_ascii_digit())
        && DIVISION_RANGES.iter().any(|(s, first, last)| {
            Some(*s) == section
                && division
                    .parse::<u8>()
                    .is_ok_and(|d| (*first..=*last).contains(&d))
        });
    if valid {
        Ok(Some(code))
    } else {
        Err(bad(
            "INVALID_INDUSTRY",
            format!(
                "{field} is a GB/T 4754-2017 division code: a section letter and its two-digit division, such as C39 or I65"
            ),
            field,
        ))
    }
}

/// The name of an industry code: its division's name when listed, else its section's, else the
/// text as stored. `C39` → 计算机、通信和其他电子设备制造业.
pub fn label(code: &str) -> String {
    let code = code.trim();
    let mut chars = code.chars();
    let Some(section) = chars.next().map(|c| c.to_ascii_uppercase()) else {
        return String::new();
    };
    let division: String = chars.collect();
    if let Some((_, name)) = SECTIONS.iter().find(|(s, _)| *s == section) {
        if let Some((_, d)) = DIVISIONS.iter().find(|(d, _)| *d == division) {
            return (*d).to_string();
        }
        return (*name).to_string();
    }
    code.to_string()
}

#[cfg(test)]
mod tests {
    use super::{label, parse_code};

    #[test]
    fn an_industry_is_a_division_of_its_section() {
        assert_eq!(
            parse_code(Some(" c39 "), "industry").ok(),
            Some(Some("C39".into()))
        );
        assert_eq!(
            parse_code(Some("A01"), "industry").ok(),
            Some(Some("A01".into()))
        );
        assert_eq!(
            parse_code(Some("T97"), "industry").ok(),
            Some(Some("T97".into()))
        );
        assert_eq!(parse_code(Some(""), "industry").ok(), Some(None));
        assert_eq!(parse_code(None, "industry").ok(), Some(None));
        for bad in [
            "=1+2",
            "C99",
            "C12",
            "I66",
            "J6",
            "C039",
            "生物医药",
            "Z01",
            "C3a",
        ] {
            assert!(parse_code(Some(bad), "industry").is_err(), "{bad}");
        }
    }

    #[test]
    fn a_listed_division_is_named_by_itself_another_by_its_section() {
        assert_eq!(label("C39"), "计算机、通信和其他电子设备制造业");
        assert_eq!(label("I65"), "软件和信息技术服务业");
        assert_eq!(label("M73"), "研究和试验发展");
        assert_eq!(label("F51"), "批发和零售业");
        assert_eq!(label("生物医药"), "生物医药");
        assert_eq!(label(""), "");
    }
}
