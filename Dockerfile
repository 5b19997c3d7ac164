# Image of the bascule service of docker-compose.yml; build the jar first: mvn -B -ntp package -DskipTests
FROM eclipse-temurin:17-jre
WORKDIR /work
COPY target/bascule.jar /opt/bascule/bascule.jar
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/opt/bascule/bascule.jar"]
CMD ["serve"]
