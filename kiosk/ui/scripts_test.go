package ui

import (
	"image"
	"time"

	"lobbykiosk/feeds"
	"lobbykiosk/kiosk/locale"
	"lobbykiosk/kiosk/slide"
)

// Posts in the scripts the issue names, as the feeds carry them: built
// through slide.FromPost like the kiosk's own, so names, initials and ages
// go the same way.
var scriptNow = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

func scriptPost(name, handle, network, text string, pic bool, l *locale.Locale, age time.Duration) func() slide.Slide {
	return func() slide.Slide {
		var picture image.Image
		if pic {
			picture = sunset
		}
		return slide.FromPost(feeds.Post{
			Network: network, Text: text, Published: scriptNow.Add(-age),
			Author: feeds.Author{Name: name, Handle: handle},
		}, nil, picture, scriptNow, time.UTC, l)
	}
}

func must(tag string) *locale.Locale {
	l, err := locale.For(tag)
	if err != nil {
		panic(err)
	}
	return l
}

var (
	postChinese = scriptPost("王小明", "@xiaoming@social.example", "mastodon",
		"我们今天在上海开设了新办公室，欢迎大家！感谢团队过去三个月的努力，新办公室有一百二十个工位、三间会议室和一个可以看到黄浦江的屋顶花园。下周五下午四点举行开幕酒会，请大家带上家人一起来。", true, nil, 3*time.Hour)
	postJapanese = scriptPost("山田 花子", "@hanako@social.example", "bluesky",
		"東京オフィスの新しいカフェが今日オープンしました。「毎朝のコーヒーが楽しみになりました」と多くの社員が話しています。ご来社の際はぜひお立ち寄りください。営業時間は平日の朝八時から夕方六時までです。", false, nil, 26*time.Hour)
	postArabic = scriptPost("مريم الحسيني", "@mariam@social.example", "linkedin",
		"أطلقنا اليوم مكتبنا الجديد في دبي! شكرًا لفريقنا على ١٢ أسبوعًا من العمل الجاد، وعلى استقبال أكثر من 300 ضيف في حفل الافتتاح. نراكم قريبًا.", true, must("ar"), 2*time.Hour)
	postHebrew = scriptPost("נועה כהן", "@noa@social.example", "mastodon",
		"בשבוע שעבר אספנו 212 ק״ג של מזון לבנק המזון בתל אביב! תודה לכל מי שתרם, ובמיוחד לצוות התמיכה (שאסף לבד 80 ק״ג). נמשיך גם בחודש הבא.", false, must("he"), 5*time.Hour)
)

// An office's screen in its own language: the demo company's wins and
// advocates as the Berlin, Lisbon and an Arabic-speaking office publish
// them, formatted by slide.FromWins and FromLeaderboard in that locale.
type office struct {
	lang           string
	labels, period [4]string
	names          [8]string
	period0        string
}

var offices = map[string]office{
	"de": {lang: "de",
		labels: [4]string{"Reichweite", "Geteilte Beiträge", "Neue Follower", "Anteil teilender Mitarbeiter"},
		names:  [8]string{"Lena Hoffmann", "Jonas Becker", "Maja Keller", "Felix Braun", "Hannah Schulz", "Tomasz Wójcik", "Sofia Marques", "Nikos Alexiou"}},
	"pt-PT": {lang: "pt-PT",
		labels: [4]string{"Alcance", "Partilhas", "Novos seguidores", "Colaboradores a partilhar"},
		names:  [8]string{"Sofia Marques", "João Ferreira", "Rafael Souza", "Mateo García", "Lena Hoffmann", "Amara Okafor", "Priya Raman", "Felix Braun"}},
	"ar": {lang: "ar",
		labels: [4]string{"الوصول", "المشاركات", "متابعون جدد", "الموظفون المشاركون"},
		names:  [8]string{"مريم الحسيني", "عمر الفاروق", "ليلى حداد", "يوسف النجار", "سارة المنصور", "خالد العلي", "نور الهدى", "أحمد سالم"}},
}

func officeWins(tag string) func() slide.Slide {
	return func() slide.Slide {
		o := offices[tag]
		l := must(o.lang)
		month := l.MonthName(scriptNow.Month())
		ms := []feeds.Metric{
			{Label: o.labels[0], Value: 1.2e6, Previous: 948000, HasPrevious: true, Period: month},
			{Label: o.labels[1], Value: 4812, Previous: 3960, HasPrevious: true, Period: month},
			{Label: o.labels[2], Value: 1340, Previous: 1512, HasPrevious: true, Period: month},
			{Label: o.labels[3], Value: 61.5, Previous: 54, HasPrevious: true, Unit: "%", Period: month},
		}
		return slide.FromWins(ms, 0, l)
	}
}

func officeBoard(tag string) func() slide.Slide {
	return func() slide.Slide {
		o := offices[tag]
		l := must(o.lang)
		pts := []float64{2340, 1910, 1455, 1080, 990, 875, 760, 702}
		change := []int{1, 0, -1, 7, 2, -2, 0, 1}
		var rows []feeds.Standing
		for i, n := range o.names {
			rows = append(rows, feeds.Standing{Rank: i + 1, Name: n, Points: pts[i], Change: change[i]})
		}
		return slide.FromLeaderboard(rows, nil, slide.PeriodLabel(l, "month", scriptNow, time.UTC), l)
	}
}

func officePost(tag string) func() slide.Slide {
	o := offices[tag]
	text := map[string]string{
		"de":    "Unser Berliner Team hat diese Woche 1.240 Bäume gepflanzt. Danke an alle, die mitgemacht haben!",
		"pt-PT": "A equipa de Lisboa plantou 1240 árvores esta semana. Obrigado a todos os que participaram!",
		"ar":    "زرع فريقنا ١٬٢٤٠ شجرة هذا الأسبوع. شكرًا لكل من شارك!",
	}[tag]
	return scriptPost(o.names[0], "", "story", text, false, must(o.lang), 10*24*time.Hour)
}

func officeChrome(tag string) slide.Chrome {
	l := must(offices[tag].lang)
	return slide.Chrome{Clock: slide.Clock(l, scriptNow, time.UTC), Logo: mark,
		Stale: slide.StaleMark(l, scriptNow.Add(-3*time.Hour), scriptNow, true, time.Hour, time.UTC)}
}

func officeWelcome(tag string) func() slide.Slide {
	return func() slide.Slide { return slide.WelcomeSlide("Tern & Timber", "", mark, must(offices[tag].lang)) }
}
